/* dlr_arm.c — the ARM (A32, little-endian EABI) walker of the downloader
 * extractor: mov/movw/movt/orr/add and pc-relative literal loads build
 * constants, str/strh/strd/stm store them (dlr_arch.h, dlr_arch_int.h). */
#include "fetch/dlr_arch_int.h"

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

/* Extra loads and stores (type 0 with bits 7 and 4 set): strh, strd, the
 * halfword and signed loads, multiplies and swaps. */
static void arm_extra(struct dlr_vm *vm, uint32_t w)
{
	unsigned rn = (w >> 16) & 15, rd = (w >> 12) & 15, sh = (w >> 5) & 3;
	bool L = (w >> 20) & 1, P = (w >> 24) & 1, U = (w >> 23) & 1, W = (w >> 21) & 1,
	     imm = (w >> 22) & 1;
	int32_t off;

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
}

/* Data processing (types 0 and 1); a is rn's value when ka. */
static void arm_dp(struct dlr_vm *vm, uint32_t w, uint32_t a, bool ka, bool always)
{
	unsigned type = (w >> 25) & 7, rd = (w >> 12) & 15, opc = (w >> 21) & 15;
	uint32_t b = 0, v = 0;
	bool kb, k;

	if (type == 1) {
		b = ror32(w & 0xff, 2 * ((w >> 8) & 15));
		kb = true;
	} else {
		kb = !(w & 0xff0) && dlr_vm_get(vm, w & 15, &b);
	}
	if (opc >= 8 && opc <= 11) { /* tst teq cmp cmn; mrs/clz */
		if (!((w >> 20) & 1))
			dlr_vm_unset(vm, rd);
		return;
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

/* Single loads and stores (types 2 and 3): ldr (pc-relative literals
 * read from the image), str, strb. */
static void arm_ldst(struct dlr_vm *vm, uint32_t w, uint32_t pc, bool always)
{
	unsigned type = (w >> 25) & 7, rn = (w >> 16) & 15, rd = (w >> 12) & 15;
	bool L = (w >> 20) & 1, P = (w >> 24) & 1, U = (w >> 23) & 1, W = (w >> 21) & 1, k;
	uint32_t v = 0;
	int32_t off;

	if (type == 3 && (w & 0x10)) { /* media instructions */
		dlr_vm_unset(vm, rd);
		return;
	}
	off = type == 2 ? (int32_t)(w & 0xfff) : 0;
	off = U ? off : -off;
	if (L) {
		k = false;
		if (type == 2 && rn == 15 && P && !W && !((w >> 22) & 1))
			k = dlr_vm_load(vm, pc + (uint32_t)off, 4, &v);
		if (rd == 15) {
			after(vm, END, 0);
			return;
		}
		arm_put(vm, rd, k && always, v);
	} else if (type == 2 && P && !W) {
		store_reg(vm, rn, off, (w >> 22) & 1 ? 1 : 4, rd);
	}
	if ((W || !P) && rn != 15)
		dlr_vm_unset(vm, rn);
}

/* ldm / stm (type 4). */
static void arm_block(struct dlr_vm *vm, uint32_t w)
{
	unsigned rn = (w >> 16) & 15, r, cnt;
	bool L = (w >> 20) & 1, P = (w >> 24) & 1, U = (w >> 23) & 1, W = (w >> 21) & 1;

	for (r = 0, cnt = 0; r < 16; r++)
		cnt += (w >> r) & 1;
	if (L) {
		for (r = 0; r < 16; r++)
			if ((w >> r) & 1)
				dlr_vm_unset(vm, r);
		if ((w >> 15) & 1)
			after(vm, END, 0);
	} else {
		int32_t o = P ? (U ? 4 : -4 * (int32_t)cnt) : (U ? 0 : -4 * (int32_t)cnt + 4);

		for (r = 0; r < 16; r++)
			if ((w >> r) & 1) {
				store_reg(vm, rn, o, 4, r);
				o += 4;
			}
	}
	if (W)
		dlr_vm_unset(vm, rn);
}

void dlr_walk_arm(struct dlr_vm *vm, const uint8_t *code, size_t n, uint32_t va)
{
	size_t i;

	for (i = 0; i + 4 <= n; i += 4) {
		uint32_t w = w32(code + i, false), pc = va + (uint32_t)i + 8, a = 0;
		unsigned cond = w >> 28, type = (w >> 25) & 7, rn = (w >> 16) & 15,
			 rd = (w >> 12) & 15;
		bool always = cond == 0xe, W = (w >> 21) & 1, ka, k;

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
			if (type == 0 && (w & 0x90) == 0x90)
				arm_extra(vm, w);
			else
				arm_dp(vm, w, a, ka, always);
			break;
		case 2:
		case 3:
			arm_ldst(vm, w, pc, always);
			break;
		case 4: /* ldm / stm */
			arm_block(vm, w);
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
