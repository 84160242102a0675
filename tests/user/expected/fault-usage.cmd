fault
bogus
