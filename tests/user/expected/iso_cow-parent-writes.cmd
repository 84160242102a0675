iso_cow
parent-writes
