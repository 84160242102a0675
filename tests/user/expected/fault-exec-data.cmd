fault
exec-data
