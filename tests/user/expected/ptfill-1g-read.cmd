ptfill
1
read
