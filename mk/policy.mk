# mk/policy.mk - the page-replacement simulator used by the trace tests.
#
#   $(BUILD)/tests/kernel/replace_sim   replays a block trace through the
#       policies of src/kernel/replace*.c (run by tests/kernel/replace_traces.sh)

REPLACE_SIM  = $(BUILD)/tests/kernel/replace_sim
ALL_TARGETS += $(REPLACE_SIM)

$(REPLACE_SIM): $(BUILD)/obj/tests/kernel/replace_sim.o $(LIBVMOS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_HOST) $^ -o $@ -lm
