/*
 * fuzz_main.c - a main() for libFuzzer targets built without libFuzzer:
 * reads each file named on the command line and passes it to
 * LLVMFuzzerTestOneInput, so `make test` replays a corpus with the ordinary
 * (and the sanitizer) build.  A target reports a bug by aborting.
 * Usage: REPLAY FILE...   exit status 0 if every file ran, 2 if one could
 * not be read.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads a whole file into a malloc'd buffer; NULL on error. */
static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0, got;
	uint8_t *buf = malloc(cap);
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			uint8_t *nb = realloc(buf, cap *= 2);
			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	if (buf && ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = n;
	return buf;
}

int main(int argc, char **argv)
{
	int status = 0;
	for (int i = 1; i < argc; i++) {
		size_t size;
		uint8_t *buf = read_file(argv[i], &size);
		if (!buf) {
			fprintf(stderr, "fuzz_main: cannot read %s\n", argv[i]);
			status = 2;
			continue;
		}
		LLVMFuzzerTestOneInput(buf, size);
		free(buf);
	}
	return status;
}
