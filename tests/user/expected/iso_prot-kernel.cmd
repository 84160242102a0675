iso_prot
kernel
