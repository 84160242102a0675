# mk/bench2.mk - native Linux peers of the vmos VM benchmarks (bench/vm.sh).
#
#   $(BUILD)/bench/native/NAME   one host binary per bench/native/NAME.c
#
# Each bench/native/NAME.c includes user/bin/bench/NAME.c, so the native program
# is the same C code as the riscv64 one, built with the host cc -O2 (no
# sanitizers, no libvmos: it measures Linux, not vmos).  The compiler's
# dependency file ($@.d) names the included source, wherever it lives.

BENCH2_NATIVE = $(patsubst bench/native/%.c,$(BUILD)/bench/native/%,$(wildcard bench/native/*.c))
BENCH_TARGETS += $(BENCH2_NATIVE)

$(BUILD)/bench/native/%: bench/native/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -MMD -MP -MF $@.d -o $@ $<

-include $(wildcard $(BUILD)/bench/native/*.d)
