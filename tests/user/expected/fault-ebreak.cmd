fault
ebreak
