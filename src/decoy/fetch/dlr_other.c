/* dlr_other.c — the walkers of the downloader extractor for the other
 * families bots ship: PowerPC (32-bit, big endian), SuperH (SH-4, little
 * endian) and m68k (dlr_arch.h, dlr_arch_int.h). MIPS, ARM and i386 have
 * files of their own. */
#include "fetch/dlr_arch_int.h"

/* ---- PowerPC (32-bit, big endian): lis/ori/addi, stw/sth/stb/stmw ---- */

#define PPC_CALLER 0x1ff9u /* r0 r3-r12 */

static void ppc_put(struct dlr_vm *vm, unsigned r, bool k, uint32_t v)
{
	if (k)
		dlr_vm_set(vm, r, v);
	else
		dlr_vm_unset(vm, r);
}

/* X-form (primary opcode 31): or/mr tracked; compares and indexed
 * stores change no register; everything else makes rD and rA unknown.
 * s is rS's value when ks. */
static void ppc_x(struct dlr_vm *vm, uint32_t w, uint32_t s, bool ks)
{
	unsigned rD = (w >> 21) & 31, rA = (w >> 16) & 31, rB = (w >> 11) & 31;
	unsigned xo = (w >> 1) & 0x3ff;
	uint32_t b = 0;

	if (xo == 0 || xo == 32) /* cmp, cmpl */
		return;
	if (xo == 444) { /* or; mr when rS == rB */
		bool kb = dlr_vm_get(vm, rB, &b);

		ppc_put(vm, rA, ks && kb, s | b);
		return;
	}
	if (xo == 151 || xo == 407 || xo == 215) /* stwx sthx stbx */
		return;
	if (xo == 183 || xo == 439 || xo == 247) { /* with update */
		dlr_vm_unset(vm, rA);
		return;
	}
	dlr_vm_unset(vm, rD);
	dlr_vm_unset(vm, rA);
}

/* Branches and sc (primary opcodes 16-19). */
static void ppc_branch(struct dlr_vm *vm, uint32_t w)
{
	unsigned op = w >> 26, rD = (w >> 21) & 31, xo = (w >> 1) & 0x3ff;

	switch (op) {
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
	default:
		if (xo == 16 || xo == 528) { /* bclr, bcctr */
			if (w & 1)
				after(vm, CALL, PPC_CALLER);
			else if ((rD & 0x14) == 0x14)
				after(vm, END, 0);
		}
		break;
	}
}

void dlr_walk_ppc(struct dlr_vm *vm, const uint8_t *code, size_t n, uint32_t va)
{
	size_t i;

	(void)va;
	for (i = 0; i + 4 <= n; i += 4) {
		uint32_t w = w32(code + i, true), a = 0, s = 0;
		unsigned op = w >> 26, rD = (w >> 21) & 31, rA = (w >> 16) & 31, r;
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
		case 16:
		case 17:
		case 18:
		case 19:
			ppc_branch(vm, w);
			break;
		case 31:
			ppc_x(vm, w, s, ks);
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

/* Moves, stores and arithmetic: false if w is none of those groups. */
static bool sh_data(struct dlr_vm *vm, uint16_t w, uint32_t pc)
{
	uint32_t a = 0, b = 0, v = 0;
	unsigned hi = w >> 12, rn = (w >> 8) & 15, rm = (w >> 4) & 15, lo = w & 15;
	unsigned lo8 = w & 0xff;
	bool k, kn = dlr_vm_get(vm, rn, &a), km = dlr_vm_get(vm, rm, &b);

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
	default:
		return false;
	}
	return true;
}

/* The rest: jumps, calls, and what only makes registers unknown. Returns
 * what the instruction does to the flow (CALL, END or NOTHING); the
 * walker applies it after the delay slot. */
static int sh_flow(struct dlr_vm *vm, uint16_t w)
{
	unsigned hi = w >> 12, rn = (w >> 8) & 15, rm = (w >> 4) & 15, lo = w & 15;
	unsigned lo8 = w & 0xff;
	int act = NOTHING;

	switch (hi) {
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
		else if (lo == 4 || lo == 5 || lo == 6 || lo == 7 || w == 0x0009 || lo == 8 ||
			 lo8 == 0x19 || lo8 == 0x28 || lo8 == 0x48)
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
	return act;
}

void dlr_walk_sh(struct dlr_vm *vm, const uint8_t *code, size_t n, uint32_t va)
{
	size_t i;
	int pending = NOTHING;

	for (i = 0; i + 2 <= n; i += 2) {
		uint16_t w = w16(code + i, false);
		uint32_t pc = va + (uint32_t)i;
		int act = NOTHING;

		vm->step++;
		if (!sh_data(vm, w, pc))
			act = sh_flow(vm, w);
		after(vm, pending, SH_CALLER);
		pending = act;
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
