iso_mround
linux
