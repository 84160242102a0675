ptfill
1
