auxv
alpha
two words

