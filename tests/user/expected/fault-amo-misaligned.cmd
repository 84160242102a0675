fault
amo-misaligned
