# mk/iso.mk - the native peer of the fork benchmark (bench/fork.sh):
#   $(BUILD)/bench/native/fork_bench   user/bin/bench/iso_forkbench.c built with host cc -O2
#   (its dependency file is read by mk/bench2.mk)
BENCH_TARGETS += $(BUILD)/bench/native/fork_bench

$(BUILD)/bench/native/fork_bench: bench/native/fork_bench.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -MMD -MP -MF $@.d -o $@ $<
