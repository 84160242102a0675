sysabi
vmos
