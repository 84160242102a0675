hello
one
two words
