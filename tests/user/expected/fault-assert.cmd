fault
assert
