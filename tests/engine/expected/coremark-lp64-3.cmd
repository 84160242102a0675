coremark_like_lp64
3
notime
