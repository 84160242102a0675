iso_cow
child-writes
