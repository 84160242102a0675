iso_prot
exec-only
