# mk/fpu.mk - the F/D extensions' tests.
#
# tests/hw/fpu_test.c compares fpu.c with the host's SSE arithmetic after
# changing the host's rounding mode: the compiler must not assume the
# default mode there (-frounding-math).

$(BUILD)/obj/tests/hw/fpu_test.o: CFLAGS_HOST += -frounding-math
