/* dlr_arch.c — per-architecture instruction walkers for the downloader
 * extractor (dlr.h, dlr_arch.h). Each decodes only what builds constants
 * in registers and stores them; every other instruction makes the
 * registers it may write unknown, calls make the caller-saved registers
 * unknown, and returns or unconditional jumps forget everything. A
 * walker that does not understand something loses a find, never invents
 * one: the verdict is then uncertain. */
#include "fetch/dlr_arch.h"

static uint32_t w32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
		  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint16_t w16(const uint8_t *p, bool be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t sext(uint32_t v, unsigned bits)
{
	uint32_t m = 1u << (bits - 1);

	v &= (bits == 32) ? 0xffffffffu : ((1u << bits) - 1);
	return (v ^ m) - m;
}

static void store_reg(struct dlr_vm *vm, unsigned base, int32_t off, unsigned size, unsigned r)
{
	uint32_t v = 0;
	bool k = dlr_vm_get(vm, r, &v);

	dlr_vm_store(vm, base, off, size, k, v);
}

enum { NOTHING, CALL, END };

/* after a call: what the callee may have changed */
static void after(struct dlr_vm *vm, int what, uint32_t caller_saved)
{
	if (what == CALL)
		dlr_vm_unset_mask(vm, caller_saved);
	else if (what == END)
		dlr_vm_reset(vm);
}

/* ---- MIPS (o32), either byte order: lui/ori/addiu, sw/sh/sb ---- */

#define MIPS_CALLER 0x8300fffeu /* at v0-v1 a0-a3 t0-t7 t8-t9 ra */

static bool mips_get(struct dlr_vm *vm, unsigned r, uint32_t *v)
{
	if (!r) {
		*v = 0;
		return true;
	}
	return dlr_vm_get(vm, r, v);
}

static void mips_put(struct dlr_vm *vm, unsigned r, bool k, uint32_t v)
{
	if (!r)
		return;
	if (k)
		dlr_vm_set(vm, r, v);
	else
		dlr_vm_unset(vm, r);
}

static void mips_store(struct dlr_vm *vm, unsigned base, int32_t off, unsigned size, unsigned r)
{
	uint32_t v = 0;
	bool k = mips_get(vm, r, &v);

	dlr_vm_store(vm, base, off, size, k, v);
}

void dlr_walk_mips(struct dlr_vm *vm, const uint8_t *code, size_t n, uint32_t va)
{
	size_t i;
	int pending = NOTHING;

	(void)va;
	for (i = 0; i + 4 <= n; i += 4) {
		uint32_t w = w32(code + i, vm->be), a = 0, b = 0;
		unsigned op = w >> 26, rs = (w >> 21) & 31, rt = (w >> 16) & 31,
			 rd = (w >> 11) & 31;
		unsigned fn = w & 63;
		uint32_t imm = sext(w & 0xffff, 16), uimm = w & 0xffff;
		int act = NOTHING;
		bool ka, kb;

		vm->step++;
		ka = mips_get(vm, rs, &a);
		kb = mips_get(vm, rt, &b);
		switch (op) {
		case 0:		     /* SPECIAL */
			if (fn == 8) /* jr: return, tail call or jump table */
				act = END;
			else if (fn == 9) { /* jalr */
				act = CALL;
				mips_put(vm, rd, false, 0);
			} else if (fn == 0x21 || fn == 0x25) /* addu, or (move) */
				mips_put(vm, rd, ka && kb, fn == 0x21 ? a + b : (a | b));
			else if (fn == 0x0c) /* syscall */
				dlr_vm_unset_mask(vm, 0x8c);
			else
				mips_put(vm, rd, false, 0);
			break;
		case 1: /* REGIMM branches; bltzal/bgezal (bal) call */
			if (rt == 0x10 || rt == 0x11)
				act = CALL;
			break;
		case 2: /* j */
			act = END;
			break;
		case 3: /* jal */
			act = CALL;
			break;
		case 4:
		case 5:
		case 6:
		case 7:
		case 0x14:
		case 0x15:
		case 0x16:
		case 0x17:
			break; /* conditional branches: the fall-through path goes on */
		case 8:
		case 9: /* addi, addiu (li) */
			mips_put(vm, rt, ka, a + imm);
			break;
		case 0x0c: /* andi */
			mips_put(vm, rt, ka, a & uimm);
			break;
		case 0x0d: /* ori */
			mips_put(vm, rt, ka, a | uimm);
			break;
		case 0x0e: /* xori */
			mips_put(vm, rt, ka, a ^ uimm);
			break;
		case 0x0f: /* lui */
			mips_put(vm, rt, true, uimm << 16);
			break;
		case 0x28: /* sb */
			mips_store(vm, rs, (int32_t)imm, 1, rt);
			break;
		case 0x29: /* sh */
			mips_store(vm, rs, (int32_t)imm, 2, rt);
			break;
		case 0x2b: /* sw */
			mips_store(vm, rs, (int32_t)imm, 4, rt);
			break;
		case 0x2a:
		case 0x2e: /* swl, swr: bytes we do not model */
			dlr_vm_store(vm, rs, (int32_t)imm & ~3, 4, false, 0);
			break;
		case 0x2c:
		case 0x2d:
		case 0x2f:
		case 0x39:
		case 0x3d: /* other stores */
			break;
		default: /* loads, coprocessors, special2/3: whatever they write */
			mips_put(vm, rt, false, 0);
			mips_put(vm, rd, false, 0);
			break;
		}
		/* the instruction just done sat in the delay slot of the last jump */
		after(vm, pending, MIPS_CALLER);
		pending = act;
	}
}

/* ---- ARM (A32, little endian EABI) ---- */

#define ARM_CALLER 0x500fu /* r0-r3 r12 lr */

static uint32_t ror32(uint32_t v, unsigned r)
{
	r &= 31;
	return r ? (v >> r) | (v << (32 - r)) : v;
}

static void arm_put(struct dlr_vm *vm, unsigned r, bool k, uint32_t v)
{
	if (k)
		dlr_vm_set(vm, r, v);
	else
		dlr_vm_unset(vm, r);
}

void dlr_walk_arm(struct dlr_vm *vm, const uint8_t *code, size_t n, uint32_t va)
{
	size_t i;

	for (i = 0; i + 4 <= n; i += 4) {
		uint32_t w = w32(code + i, false), pc = va + (uint32_t)i + 8, a = 0, b = 0, v = 0;
		unsigned cond = w >> 28, type = (w >> 25) & 7, rn = (w >> 16) & 15,
			 rd = (w >> 12) & 15;
		bool always = cond == 0xe, L = (w >> 20) & 1, P = (w >> 24) & 1, U = (w >> 23) & 1,
		     W = (w >> 21) & 1, ka, k;
		int32_t off;
		unsigned r, cnt;

		vm->step++;
		if (cond == 0xf) { /* unconditional space: blx imm, pld, ... */
			if (type == 5)
				after(vm, CALL, ARM_CALLER);
			continue;
		}
		if ((w & 0x0ffffff0) == 0x012fff10) { /* bx */
			if (always)
				after(vm, END, 0);
			continue;
		}
		if ((w & 0x0ffffff0) == 0x012fff30) { /* blx reg */
			after(vm, CALL, ARM_CALLER);
			continue;
		}
		if ((w & 0x0ff00000) == 0x03000000) { /* movw */
			arm_put(vm, rd, always, (w >> 4 & 0xf000) | (w & 0xfff));
			continue;
		}
		if ((w & 0x0ff00000) == 0x03400000) { /* movt */
			k = always && dlr_vm_get(vm, rd, &a);
			arm_put(vm, rd, k, (a & 0xffff) | ((w >> 4 & 0xf000) | (w & 0xfff)) << 16);
			continue;
		}
		ka = dlr_vm_get(vm, rn, &a);
		switch (type) {
		case 0:
		case 1:
			if (type == 0 && (w & 0x90) == 0x90) {
				unsigned sh = (w >> 5) & 3;
				bool imm = (w >> 22) & 1;

				off = (int32_t)(((w >> 4) & 0xf0) | (w & 0xf));
				off = U ? off : -off;
				if (!sh) { /* multiply, swap */
					dlr_vm_unset(vm, rn);
					dlr_vm_unset(vm, rd);
				} else if (!L && sh == 1) { /* strh */
					if (P && !W && imm)
						store_reg(vm, rn, off, 2, rd);
				} else if (!L && sh == 3) { /* strd */
					if (P && !W && imm && !(rd & 1)) {
						store_reg(vm, rn, off, 4, rd);
						store_reg(vm, rn, off + 4, 4, rd + 1);
					}
				} else { /* ldrh, ldrsb, ldrsh, ldrd */
					dlr_vm_unset(vm, rd);
					if (!L && sh == 2)
						dlr_vm_unset(vm, (rd + 1) & 15);
				}
				if (W || !P)
					dlr_vm_unset(vm, rn);
				if (rd == 15 && L)
					after(vm, END, 0);
				break;
			} else {
				unsigned opc = (w >> 21) & 15;
				bool kb;

				if (type == 1) {
					b = ror32(w & 0xff, 2 * ((w >> 8) & 15));
					kb = true;
				} else {
					kb = !(w & 0xff0) && dlr_vm_get(vm, w & 15, &b);
				}
				if (opc >= 8 && opc <= 11) { /* tst teq cmp cmn; mrs/clz */
					if (!((w >> 20) & 1))
						dlr_vm_unset(vm, rd);
					break;
				}
				switch (opc) {
				case 13:
					k = kb;
					v = b;
					break; /* mov */
				case 15:
					k = kb;
					v = ~b;
					break; /* mvn */
				case 12:
					k = ka && kb;
					v = a | b;
					break; /* orr */
				case 4:
					k = ka && kb;
					v = a + b;
					break; /* add */
				case 2:
					k = ka && kb;
					v = a - b;
					break; /* sub */
				case 0:
					k = ka && kb;
					v = a & b;
					break; /* and */
				case 1:
					k = ka && kb;
					v = a ^ b;
					break; /* eor */
				case 14:
					k = ka && kb;
					v = a & ~b;
					break; /* bic */
				default:
					k = false;
					break;
				}
				if (rd == 15)
					after(vm, END, 0); /* mov pc, lr */
				else
					arm_put(vm, rd, k && always, v);
			}
			break;
		case 2:
		case 3:
			if (type == 3 && (w & 0x10)) { /* media instructions */
				dlr_vm_unset(vm, rd);
				break;
			}
			off = type == 2 ? (int32_t)(w & 0xfff) : 0;
			off = U ? off : -off;
			if (L) {
				k = false;
				if (type == 2 && rn == 15 && P && !W && !((w >> 22) & 1))
					k = dlr_vm_load(vm, pc + (uint32_t)off, 4, &v);
				if (rd == 15) {
					after(vm, END, 0);
					break;
				}
				arm_put(vm, rd, k && always, v);
			} else if (type == 2 && P && !W) {
				store_reg(vm, rn, off, (w >> 22) & 1 ? 1 : 4, rd);
			}
			if ((W || !P) && rn != 15)
				dlr_vm_unset(vm, rn);
			break;
		case 4: /* ldm / stm */
			for (r = 0, cnt = 0; r < 16; r++)
				cnt += (w >> r) & 1;
			if (L) {
				for (r = 0; r < 16; r++)
					if ((w >> r) & 1)
						dlr_vm_unset(vm, r);
				if ((w >> 15) & 1)
					after(vm, END, 0);
			} else {
				int32_t o = P ? (U ? 4 : -4 * (int32_t)cnt)
					      : (U ? 0 : -4 * (int32_t)cnt + 4);

				for (r = 0; r < 16; r++)
					if ((w >> r) & 1) {
						store_reg(vm, rn, o, 4, r);
						o += 4;
					}
			}
			if (W)
				dlr_vm_unset(vm, rn);
			break;
		case 5: /* b, bl */
			if ((w >> 24) & 1)
				after(vm, CALL, ARM_CALLER);
			else if (always)
				after(vm, END, 0);
			break;
		case 7:
			if ((w >> 24) & 1) /* svc */
				dlr_vm_unset(vm, 0);
			else if (w & 0x10) /* mrc */
				dlr_vm_unset(vm, rd);
			break;
		default: /* coprocessor loads/stores */
			if (W)
				dlr_vm_unset(vm, rn);
			break;
		}
	}
}

/* ---- PowerPC (32-bit, big endian): lis/ori/addi, stw/sth/stb/stmw ---- */

#define PPC_CALLER 0x1ff9u /* r0 r3-r12 */

static void ppc_put(struct dlr_vm *vm, unsigned r, bool k, uint32_t v)
{
	if (k)
		dlr_vm_set(vm, r, v);
	else
		dlr_vm_unset(vm, r);
}

void dlr_walk_ppc(struct dlr_vm *vm, const uint8_t *code, size_t n, uint32_t va)
{
	size_t i;

	(void)va;
	for (i = 0; i + 4 <= n; i += 4) {
		uint32_t w = w32(code + i, true), a = 0, s = 0, b = 0;
		unsigned op = w >> 26, rD = (w >> 21) & 31, rA = (w >> 16) & 31,
			 rB = (w >> 11) & 31;
		unsigned xo = (w >> 1) & 0x3ff, r;
		uint32_t simm = sext(w & 0xffff, 16), uimm = w & 0xffff;
		bool ka = dlr_vm_get(vm, rA, &a), ks = dlr_vm_get(vm, rD, &s);

		vm->step++;
		switch (op) {
		case 14: /* addi, li */
			ppc_put(vm, rD, !rA || ka, (rA ? a : 0) + simm);
			break;
		case 15: /* addis, lis */
			ppc_put(vm, rD, !rA || ka, (rA ? a : 0) + (uimm << 16));
			break;
		case 24: /* ori */
			ppc_put(vm, rA, ks, s | uimm);
			break;
		case 25: /* oris */
			ppc_put(vm, rA, ks, s | uimm << 16);
			break;
		case 26: /* xori */
			ppc_put(vm, rA, ks, s ^ uimm);
			break;
		case 27: /* xoris */
			ppc_put(vm, rA, ks, s ^ uimm << 16);
			break;
		case 36:
		case 37: /* stw, stwu */
			store_reg(vm, rA, (int32_t)simm, 4, rD);
			if (op == 37)
				dlr_vm_unset(vm, rA);
			break;
		case 44:
		case 45: /* sth, sthu */
			store_reg(vm, rA, (int32_t)simm, 2, rD);
			if (op == 45)
				dlr_vm_unset(vm, rA);
			break;
		case 38:
		case 39: /* stb, stbu */
			store_reg(vm, rA, (int32_t)simm, 1, rD);
			if (op == 39)
				dlr_vm_unset(vm, rA);
			break;
		case 47: /* stmw */
			for (r = rD; r < 32; r++)
				store_reg(vm, rA, (int32_t)simm + 4 * (int32_t)(r - rD), 4, r);
			break;
		case 46: /* lmw */
			for (r = rD; r < 32; r++)
				dlr_vm_unset(vm, r);
			break;
		case 32:
		case 34:
		case 40:
		case 42: /* lwz lbz lhz lha */
			dlr_vm_unset(vm, rD);
			break;
		case 33:
		case 35:
		case 41:
		case 43: /* with update */
			dlr_vm_unset(vm, rD);
			dlr_vm_unset(vm, rA);
			break;
		case 10:
		case 11: /* cmpli, cmpi */
			break;
		case 16: /* bc */
			if (w & 1)
				after(vm, CALL, PPC_CALLER);
			break;
		case 17: /* sc */
			dlr_vm_unset_mask(vm, 0x9);
			break;
		case 18: /* b, bl */
			after(vm, (w & 1) ? CALL : END, PPC_CALLER);
			break;
		case 19:
			if (xo == 16 || xo == 528) { /* bclr, bcctr */
				if (w & 1)
					after(vm, CALL, PPC_CALLER);
				else if ((rD & 0x14) == 0x14)
					after(vm, END, 0);
			}
			break;
		case 31:
			if (xo == 0 || xo == 32) /* cmp, cmpl */
				break;
			if (xo == 444) { /* or; mr when rS == rB */
				bool kb = dlr_vm_get(vm, rB, &b);

				ppc_put(vm, rA, ks && kb, s | b);
				break;
			}
			if (xo == 151 || xo == 407 || xo == 215) /* stwx sthx stbx */
				break;
			if (xo == 183 || xo == 439 || xo == 247) { /* with update */
				dlr_vm_unset(vm, rA);
				break;
			}
			dlr_vm_unset(vm, rD);
			dlr_vm_unset(vm, rA);
			break;
		default:
			if (op < 48) {
				dlr_vm_unset(vm, rD);
				dlr_vm_unset(vm, rA);
			} else if (op == 49 || op == 51 || op == 53 || op == 55) {
				dlr_vm_unset(vm, rA); /* float loads/stores with update */
			}
			break;
		}
	}
}

/* ---- SuperH (SH-4, little endian): mov #imm, mov.l/mov.w @(disp,pc) ---- */

#define SH_CALLER 0xffu /* r0-r7 */

void dlr_walk_sh(struct dlr_vm *vm, const uint8_t *code, size_t n, uint32_t va)
{
	size_t i;
	int pending = NOTHING;

	for (i = 0; i + 2 <= n; i += 2) {
		uint16_t w = w16(code + i, false);
		uint32_t pc = va + (uint32_t)i, a = 0, b = 0, v = 0;
		unsigned hi = w >> 12, rn = (w >> 8) & 15, rm = (w >> 4) & 15, lo = w & 15;
		unsigned lo8 = w & 0xff;
		bool k, kn = dlr_vm_get(vm, rn, &a), km = dlr_vm_get(vm, rm, &b);
		int act = NOTHING;

		vm->step++;
		switch (hi) {
		case 0xe: /* mov #imm, Rn */
			dlr_vm_set(vm, rn, sext(lo8, 8));
			break;
		case 0xd: /* mov.l @(disp,pc), Rn */
			k = dlr_vm_load(vm, (pc & ~3u) + 4 + lo8 * 4, 4, &v);
			if (k)
				dlr_vm_set(vm, rn, v);
			else
				dlr_vm_unset(vm, rn);
			break;
		case 0x9: /* mov.w @(disp,pc), Rn */
			k = dlr_vm_load(vm, pc + 4 + lo8 * 2, 2, &v);
			if (k)
				dlr_vm_set(vm, rn, sext(v, 16));
			else
				dlr_vm_unset(vm, rn);
			break;
		case 0x6:
			if (lo == 3) { /* mov Rm, Rn */
				if (km)
					dlr_vm_set(vm, rn, b);
				else
					dlr_vm_unset(vm, rn);
			} else {
				dlr_vm_unset(vm, rn);
				if (lo >= 4 && lo <= 6) /* @Rm+ */
					dlr_vm_unset(vm, rm);
			}
			break;
		case 0x2:
			if (lo <= 2) { /* mov.b/w/l Rm, @Rn */
				store_reg(vm, rn, 0, 1u << lo, rm);
			} else if (lo >= 4 && lo <= 6) { /* mov.x Rm, @-Rn */
				if (kn)
					dlr_vm_set(vm, rn, a - (1u << (lo - 4)));
				else
					dlr_vm_unset(vm, rn);
			} else if (lo == 0xb) { /* or */
				if (kn && km)
					dlr_vm_set(vm, rn, a | b);
				else
					dlr_vm_unset(vm, rn);
			} else if (lo == 9 || lo == 0xa || lo == 0xd) {
				dlr_vm_unset(vm, rn);
			}
			break;
		case 0x1: /* mov.l Rm, @(disp*4, Rn) */
			store_reg(vm, rn, (int32_t)(lo * 4), 4, rm);
			break;
		case 0x8:
			if (rn == 0) /* mov.b R0, @(disp, Rm) */
				store_reg(vm, rm, (int32_t)lo, 1, 0);
			else if (rn == 1) /* mov.w R0, @(disp*2, Rm) */
				store_reg(vm, rm, (int32_t)lo * 2, 2, 0);
			else if (rn == 4 || rn == 5)
				dlr_vm_unset(vm, 0);
			break;
		case 0x5: /* mov.l @(disp,Rm), Rn */
			dlr_vm_unset(vm, rn);
			break;
		case 0x7: /* add #imm, Rn */
			if (kn)
				dlr_vm_set(vm, rn, a + sext(lo8, 8));
			else
				dlr_vm_unset(vm, rn);
			break;
		case 0x3:
			if (lo != 0 && lo != 2 && lo != 3 && lo != 6 && lo != 7 && lo != 4)
				dlr_vm_unset(vm, rn);
			break;
		case 0x4:
			if (lo8 == 0x0b) /* jsr @Rn */
				act = CALL;
			else if (lo8 == 0x2b) /* jmp @Rn */
				act = END;
			else
				dlr_vm_unset(vm, rn);
			break;
		case 0x0:
			if (w == 0x000b) /* rts */
				act = END;
			else if (lo8 == 0x03) /* bsrf */
				act = CALL;
			else if (lo8 == 0x23) /* braf */
				act = END;
			else if (lo == 4 || lo == 5 || lo == 6 || lo == 7 || w == 0x0009 ||
				 lo == 8 || lo8 == 0x19 || lo8 == 0x28 || lo8 == 0x48)
				break; /* stores @(R0,Rn), mul.l, nop, clrt/sett, div0u, clrmac */
			else
				dlr_vm_unset(vm, rn);
			break;
		case 0xa: /* bra */
			act = END;
			break;
		case 0xb: /* bsr */
			act = CALL;
			break;
		case 0xc:
			if (rn == 3) /* trapa */
				dlr_vm_unset(vm, 0);
			else if ((rn >= 4 && rn <= 7) || rn == 9 || rn == 0xa || rn == 0xb)
				dlr_vm_unset(vm, 0);
			break;
		case 0xf:
			if (lo == 9) /* fmov.s @Rm+, FRn */
				dlr_vm_unset(vm, rm);
			else if (lo == 0xb) /* fmov.s FRm, @-Rn */
				dlr_vm_unset(vm, rn);
			break;
		default:
			break;
		}
		after(vm, pending, SH_CALLER);
		pending = act;
	}
}

/* ---- i386: runs of mov reg, imm32 / mov [base+disp], imm / mov [base+disp],
 * reg / xor reg, reg, tried from every byte offset (no decoder of the whole
 * instruction set: a run stops at the first instruction not of that set) */

#define X86_RUN 16

static size_t x86_one(struct dlr_vm *vm, const uint8_t *p, size_t avail)
{
	size_t at = 0, dl, il;
	bool o16 = false;
	unsigned op, modrm, mod, reg, rm, base;
	int32_t disp = 0;
	uint32_t v;

	if (avail && p[0] == 0x66) {
		o16 = true;
		at = 1;
	}
	if (at >= avail)
		return 0;
	op = p[at];
	if (op >= 0xb8 && op <= 0xbf && !o16) {
		if (avail - at < 5)
			return 0;
		dlr_vm_set(vm, op - 0xb8, w32(p + at + 1, false));
		return at + 5;
	}
	if (op != 0xc7 && op != 0xc6 && op != 0x89 && op != 0x88 && op != 0x31 && op != 0x33)
		return 0;
	if (avail - at < 2)
		return 0;
	modrm = p[at + 1];
	mod = modrm >> 6;
	reg = (modrm >> 3) & 7;
	rm = modrm & 7;
	if (op == 0x31 || op == 0x33) { /* xor r, r */
		if (mod != 3 || reg != rm)
			return 0;
		if (o16)
			dlr_vm_unset(vm, reg);
		else
			dlr_vm_set(vm, reg, 0);
		return at + 2;
	}
	if ((op == 0xc7 || op == 0xc6) && reg != 0)
		return 0;
	if (mod == 3) {
		if (op == 0x89 && !o16) { /* mov rm, reg */
			if (dlr_vm_get(vm, reg, &v))
				dlr_vm_set(vm, rm, v);
			else
				dlr_vm_unset(vm, rm);
			return at + 2;
		}
		if (op == 0xc7 && !o16) {
			if (avail - at < 6)
				return 0;
			dlr_vm_set(vm, rm, w32(p + at + 2, false));
			return at + 6;
		}
		return 0;
	}
	dl = at + 2;
	if (rm == 4) { /* SIB: only [esp + disp] */
		if (avail - at < 3 || p[at + 2] != 0x24)
			return 0;
		dl++;
		base = 4;
	} else if (rm == 5 && mod == 0) {
		return 0; /* absolute address: not a stack object */
	} else {
		base = rm;
	}
	if (mod == 1) {
		if (avail < dl + 1)
			return 0;
		disp = (int32_t)sext(p[dl], 8);
		dl += 1;
	} else if (mod == 2) {
		if (avail < dl + 4)
			return 0;
		disp = (int32_t)w32(p + dl, false);
		dl += 4;
	}
	if (op == 0x89 || op == 0x88) {
		if (op == 0x88 && reg >= 4) /* ah ch dh bh */
			dlr_vm_store(vm, base, disp, 1, false, 0);
		else
			store_reg(vm, base, disp, op == 0x88 ? 1 : o16 ? 2 : 4, reg);
		return dl;
	}
	il = op == 0xc6 ? 1 : o16 ? 2 : 4;
	if (avail < dl + il)
		return 0;
	v = il == 1 ? p[dl] : il == 2 ? w16(p + dl, false) : w32(p + dl, false);
	dlr_vm_store(vm, base, disp, (unsigned)il, true, v);
	return dl + il;
}

void dlr_walk_x86(struct dlr_vm *vm, const uint8_t *code, size_t n, uint32_t va)
{
	size_t s;
	bool dirty = true;

	(void)va;
	for (s = 0; s < n; s++) {
		uint8_t c = code[s];
		size_t at = s, len;
		unsigned k;

		if (c != 0x66 && c != 0xc7 && c != 0xc6 && c != 0x89 && c != 0x88 && c != 0x31 &&
		    c != 0x33 && (c < 0xb8 || c > 0xbf))
			continue;
		/* x86_one changes nothing when it returns 0 */
		if (dirty)
			dlr_vm_reset(vm);
		dirty = false;
		for (k = 0; k < X86_RUN && at < n; k++, dirty = true) {
			vm->step++;
			len = x86_one(vm, code + at, n - at);
			if (!len)
				break;
			at += len;
		}
	}
}

/* ---- m68k: runs of move.{b,w,l} #imm / Dn to Dn, (An), (d16,An), moveq,
 * clr, tried from every even offset ---- */

#define M68K_RUN 16

static size_t m68k_one(struct dlr_vm *vm, const uint8_t *p, size_t avail)
{
	uint16_t w;
	unsigned sz, dreg, dmode, smode, sreg, size, ext;
	uint32_t v = 0;
	bool k;
	size_t at;

	if (avail < 2)
		return 0;
	w = w16(p, true);
	if ((w & 0xf100) == 0x7000) { /* moveq */
		dlr_vm_set(vm, (w >> 9) & 7, sext(w & 0xff, 8));
		return 2;
	}
	if ((w & 0xff00) == 0x4200 && ((w >> 6) & 3) != 3) { /* clr.b/w/l */
		size = 1u << ((w >> 6) & 3);
		dmode = (w >> 3) & 7;
		dreg = w & 7;
		if (dmode == 0) {
			dlr_vm_set(vm, dreg, 0);
			return 2;
		}
		if (dmode == 2) {
			dlr_vm_store(vm, 8 + dreg, 0, size, true, 0);
			return 2;
		}
		if (dmode == 5 && avail >= 4) {
			dlr_vm_store(vm, 8 + dreg, (int32_t)sext(w16(p + 2, true), 16), size, true,
				     0);
			return 4;
		}
		return 0;
	}
	sz = w >> 12;
	if (sz != 1 && sz != 2 && sz != 3)
		return 0;
	size = sz == 1 ? 1 : sz == 3 ? 2 : 4;
	dreg = (w >> 9) & 7;
	dmode = (w >> 6) & 7;
	smode = (w >> 3) & 7;
	sreg = w & 7;
	at = 2;
	if (smode == 7 && sreg == 4) { /* #imm */
		ext = size == 4 ? 4 : 2;
		if (avail < at + ext)
			return 0;
		v = size == 4 ? w32(p + at, true) : w16(p + at, true);
		if (size == 1)
			v &= 0xff;
		k = true;
		at += ext;
	} else if (smode == 0 || smode == 1) {
		k = dlr_vm_get(vm, smode * 8 + sreg, &v);
	} else {
		return 0;
	}
	if (dmode == 0 || dmode == 1) {
		unsigned r = dmode * 8 + dreg;

		if (k && size == 4)
			dlr_vm_set(vm, r, v);
		else if (k && dmode == 1 && size == 2)
			dlr_vm_set(vm, r, sext(v, 16));
		else
			dlr_vm_unset(vm, r);
		return at;
	}
	if (dmode == 2) {
		dlr_vm_store(vm, 8 + dreg, 0, size, k, v);
		return at;
	}
	if (dmode == 5) {
		if (avail < at + 2)
			return 0;
		dlr_vm_store(vm, 8 + dreg, (int32_t)sext(w16(p + at, true), 16), size, k, v);
		return at + 2;
	}
	return 0;
}

void dlr_walk_m68k(struct dlr_vm *vm, const uint8_t *code, size_t n, uint32_t va)
{
	size_t s;
	bool dirty = true;

	(void)va;
	for (s = 0; s + 2 <= n; s += 2) {
		size_t at = s, len;
		unsigned k;

		/* m68k_one changes nothing when it returns 0 */
		if (dirty)
			dlr_vm_reset(vm);
		dirty = false;
		for (k = 0; k < M68K_RUN && at < n; k++, dirty = true) {
			vm->step++;
			len = m68k_one(vm, code + at, n - at);
			if (!len)
				break;
			at += len;
		}
	}
}
