/* strtod - decimal <-> binary round trips: every double printed with
 * %.17g reads back exactly; hard cases from the literature (halfway cases,
 * denormals, long inputs), strtof, hex floats, and the parse's end. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const inputs[] = {
	"0", "-0", "1", "0.1", "3.14159265358979323846", "1e23", "8.98846567431158e307",
	"2.2250738585072011e-308", "2.2250738585072014e-308", "4.9e-324", "2.4703282292062327e-324",
	"2.4703282292062328e-324", "1.7976931348623157e308", "1.7976931348623158e308", "1e309",
	"9007199254740993", "0.000000000000000000000000000000000000001", "0x1.8p1", "0x1p-1074",
	"  +12.5e-1xyz", "inf", "-Infinity", "nan", ".5", "5.", "1e", "-.e3",
	"123456789012345678901234567890", "0.30000000000000004", "7.038531e-26",
};

int main(void)
{
	for (unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		char *end;
		errno = 0;
		double d = strtod(inputs[i], &end);
		int e = errno;
		char buf[64];
		snprintf(buf, sizeof buf, "%.17g", d);
		double back = strtod(buf, NULL);
		uint64_t a, b;
		memcpy(&a, &d, 8), memcpy(&b, &back, 8);
		printf("%-42s -> %-26s end+%-2ld %s%s\n", inputs[i], buf, (long)(end - inputs[i]),
		       e == ERANGE ? "ERANGE " : "", a == b || d != d ? "round-trips" : "DIFFERS");
		float f = strtof(inputs[i], NULL);
		printf("%42s    float %.9g\n", "", (double)f);
	}
	uint64_t x = 0x3ff0000000000001ULL;
	int bad = 0;
	for (int i = 0; i < 20000; i++) {
		double d, back;
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		uint64_t bits = x & 0x7fefffffffffffffULL;
		memcpy(&d, &bits, 8);
		char buf[40];
		snprintf(buf, sizeof buf, "%.17g", d);
		back = strtod(buf, NULL);
		bad += memcmp(&d, &back, 8) != 0;
	}
	printf("20000 random doubles: %d failed to round-trip\n", bad);
	return bad != 0;
}
