/*
 * fpswitch.S - two processes keep their own FP registers and fcsr across
 * context switches (tests/fp/fpswitch.sh).  Before fork the parent sets
 * f31 and fcsr; the child must inherit them.  Then each process fills
 * f0..f31 with its own pattern and frm/fflags with its own values and, 3000
 * times, yields to the other, rewrites f0 (so its FP state is dirty at every
 * switch) and checks all 32 registers and fcsr.  Exit 0 if every check
 * passed in both processes, 1 otherwise.  Built for rv64gc/lp64d.
 */
	.text
	.globl _start
_start:
	li t0, 0x4242424242424242
	fmv.d.x f31, t0
	li t0, 0x85                 /* frm 4 (rmm), flags NX | OF */
	csrw fcsr, t0
	li a0, 17                   /* clone(SIGCHLD, 0, ...) = fork */
	li a1, 0
	li a2, 0
	li a3, 0
	li a4, 0
	li a5, 0
	li a7, 220
	ecall
	bltz a0, fail
	mv s0, a0                   /* 0 in the child */
	/* both see the state from before fork */
	fmv.x.d t1, f31
	li t2, 0x4242424242424242
	bne t1, t2, fail
	csrr t1, fcsr
	li t2, 0x85
	bne t1, t2, fail
	li s1, 0x1111111111111100
	li s2, 0x21                 /* child: frm 1, NX */
	beqz s0, 1f
	li s1, 0x2222222222222200
	li s2, 0x70                 /* parent: frm 3, NV */
1:	csrw fcsr, s2

	addi t1, s1, 0
	fmv.d.x f0, t1
	addi t1, s1, 1
	fmv.d.x f1, t1
	addi t1, s1, 2
	fmv.d.x f2, t1
	addi t1, s1, 3
	fmv.d.x f3, t1
	addi t1, s1, 4
	fmv.d.x f4, t1
	addi t1, s1, 5
	fmv.d.x f5, t1
	addi t1, s1, 6
	fmv.d.x f6, t1
	addi t1, s1, 7
	fmv.d.x f7, t1
	addi t1, s1, 8
	fmv.d.x f8, t1
	addi t1, s1, 9
	fmv.d.x f9, t1
	addi t1, s1, 10
	fmv.d.x f10, t1
	addi t1, s1, 11
	fmv.d.x f11, t1
	addi t1, s1, 12
	fmv.d.x f12, t1
	addi t1, s1, 13
	fmv.d.x f13, t1
	addi t1, s1, 14
	fmv.d.x f14, t1
	addi t1, s1, 15
	fmv.d.x f15, t1
	addi t1, s1, 16
	fmv.d.x f16, t1
	addi t1, s1, 17
	fmv.d.x f17, t1
	addi t1, s1, 18
	fmv.d.x f18, t1
	addi t1, s1, 19
	fmv.d.x f19, t1
	addi t1, s1, 20
	fmv.d.x f20, t1
	addi t1, s1, 21
	fmv.d.x f21, t1
	addi t1, s1, 22
	fmv.d.x f22, t1
	addi t1, s1, 23
	fmv.d.x f23, t1
	addi t1, s1, 24
	fmv.d.x f24, t1
	addi t1, s1, 25
	fmv.d.x f25, t1
	addi t1, s1, 26
	fmv.d.x f26, t1
	addi t1, s1, 27
	fmv.d.x f27, t1
	addi t1, s1, 28
	fmv.d.x f28, t1
	addi t1, s1, 29
	fmv.d.x f29, t1
	addi t1, s1, 30
	fmv.d.x f30, t1
	addi t1, s1, 31
	fmv.d.x f31, t1
	li s3, 3000
loop:
	li a7, 124                  /* sched_yield */
	ecall
	fsgnj.d f0, f0, f0          /* dirty the FP state */

	fmv.x.d t1, f0
	addi t2, s1, 0
	bne t1, t2, fail
	fmv.x.d t1, f1
	addi t2, s1, 1
	bne t1, t2, fail
	fmv.x.d t1, f2
	addi t2, s1, 2
	bne t1, t2, fail
	fmv.x.d t1, f3
	addi t2, s1, 3
	bne t1, t2, fail
	fmv.x.d t1, f4
	addi t2, s1, 4
	bne t1, t2, fail
	fmv.x.d t1, f5
	addi t2, s1, 5
	bne t1, t2, fail
	fmv.x.d t1, f6
	addi t2, s1, 6
	bne t1, t2, fail
	fmv.x.d t1, f7
	addi t2, s1, 7
	bne t1, t2, fail
	fmv.x.d t1, f8
	addi t2, s1, 8
	bne t1, t2, fail
	fmv.x.d t1, f9
	addi t2, s1, 9
	bne t1, t2, fail
	fmv.x.d t1, f10
	addi t2, s1, 10
	bne t1, t2, fail
	fmv.x.d t1, f11
	addi t2, s1, 11
	bne t1, t2, fail
	fmv.x.d t1, f12
	addi t2, s1, 12
	bne t1, t2, fail
	fmv.x.d t1, f13
	addi t2, s1, 13
	bne t1, t2, fail
	fmv.x.d t1, f14
	addi t2, s1, 14
	bne t1, t2, fail
	fmv.x.d t1, f15
	addi t2, s1, 15
	bne t1, t2, fail
	fmv.x.d t1, f16
	addi t2, s1, 16
	bne t1, t2, fail
	fmv.x.d t1, f17
	addi t2, s1, 17
	bne t1, t2, fail
	fmv.x.d t1, f18
	addi t2, s1, 18
	bne t1, t2, fail
	fmv.x.d t1, f19
	addi t2, s1, 19
	bne t1, t2, fail
	fmv.x.d t1, f20
	addi t2, s1, 20
	bne t1, t2, fail
	fmv.x.d t1, f21
	addi t2, s1, 21
	bne t1, t2, fail
	fmv.x.d t1, f22
	addi t2, s1, 22
	bne t1, t2, fail
	fmv.x.d t1, f23
	addi t2, s1, 23
	bne t1, t2, fail
	fmv.x.d t1, f24
	addi t2, s1, 24
	bne t1, t2, fail
	fmv.x.d t1, f25
	addi t2, s1, 25
	bne t1, t2, fail
	fmv.x.d t1, f26
	addi t2, s1, 26
	bne t1, t2, fail
	fmv.x.d t1, f27
	addi t2, s1, 27
	bne t1, t2, fail
	fmv.x.d t1, f28
	addi t2, s1, 28
	bne t1, t2, fail
	fmv.x.d t1, f29
	addi t2, s1, 29
	bne t1, t2, fail
	fmv.x.d t1, f30
	addi t2, s1, 30
	bne t1, t2, fail
	fmv.x.d t1, f31
	addi t2, s1, 31
	bne t1, t2, fail
	csrr t1, fcsr
	bne t1, s2, fail
	addi s3, s3, -1
	bnez s3, loop
	bnez s0, parent
	li a0, 0
	li a7, 93
	ecall
parent:
	li a0, -1                   /* wait4(-1, &status, 0, 0) */
	la a1, status
	li a2, 0
	li a3, 0
	li a7, 260
	ecall
	bltz a0, fail
	lw t1, status
	bnez t1, fail
	li a0, 0
	li a7, 93
	ecall
fail:
	li a0, 1
	li a7, 93
	ecall

	.data
	.balign 8
status:	.word -1
