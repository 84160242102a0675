iso_prot_elf
exec-only
