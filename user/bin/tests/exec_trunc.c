/*
 * exec_trunc - a program whose file pages are touched late: it prints
 * "ready", waits for a line on stdin, then reads 64 pages of rodata and 64
 * pages of data it has not touched before (one marked byte per page) and
 * prints their sums: rodata 2080 (1 + ... + 64), data 8480 (101 + ... + 164).
 * tests/kernel/exec_errors.sh truncates the program's file while it waits:
 * the program must still see the bytes it was started from, and vmos must
 * not die (a lazily mapped file raises SIGBUS past its new end).  Exit 0.
 */
#include <stdio.h>
#include <unistd.h>

#define PAGES 64
#define P(k, base) [(k) * 4096 + 7] = (k) + (base),
#define P8(k, b) P(k, b) P(k + 1, b) P(k + 2, b) P(k + 3, b) P(k + 4, b) P(k + 5, b) \
		 P(k + 6, b) P(k + 7, b)
#define P64(b) P8(0, b) P8(8, b) P8(16, b) P8(24, b) P8(32, b) P8(40, b) P8(48, b) P8(56, b)

static const unsigned char ro[PAGES * 4096] = { P64(1) };
static unsigned char rw[PAGES * 4096] = { P64(101) };

int main(void)
{
	printf("ready\n");
	fflush(stdout);
	char c;
	if (read(0, &c, 1) != 1) {
		printf("no go-ahead on stdin\n");
		return 2;
	}
	unsigned long sro = 0, srw = 0;
	for (int i = 0; i < PAGES; i++) {
		sro += *(volatile const unsigned char *)&ro[i * 4096 + 7];
		rw[i * 4096 + 8] = 1;          /* a private copy of each data page */
		srw += rw[i * 4096 + 7];
	}
	printf("rodata sum %lu, data sum %lu\n", sro, srw);
	return sro == 2080 && srw == 8480 ? 0 : 1;
}
