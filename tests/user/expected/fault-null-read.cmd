fault
null-read
