fault
kernel-read
