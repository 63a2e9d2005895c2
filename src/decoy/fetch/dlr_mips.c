/* dlr_mips.c — the MIPS (o32) walker of the downloader extractor, either
 * byte order: lui/ori/addiu build constants, sw/sh/sb store them
 * (dlr_arch.h, dlr_arch_int.h). */
#include "fetch/dlr_arch_int.h"

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
