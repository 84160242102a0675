iso_sysedge
linux
