# mk/prot.mk - user/bin/tests/iso_prot_elf links with its own script,
# user/bin/tests/iso_prot_elf.ld, for segments with W, W+X, X and no flags
# (the general rule of mk/user.mk would give it lld's default layout, and
# leaves out the programs named in USER_OWN_RULE).  Paths are spelled out:
# this fragment is read before mk/user.mk defines its names.

USER_OWN_RULE += iso_prot_elf

$(BUILD)/user/bin/iso_prot_elf: $(BUILD)/user/obj/user/bin/tests/iso_prot_elf.c.o \
		user/bin/tests/iso_prot_elf.ld $(BUILD)/user/crt0.o $(BUILD)/user/libc.a
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_LDFLAGS) -Wl,-T,user/bin/tests/iso_prot_elf.ld $(BUILD)/user/crt0.o $< \
		$(BUILD)/user/libc.a -o $@
