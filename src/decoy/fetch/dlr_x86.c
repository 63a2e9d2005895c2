/* dlr_x86.c — the i386 walker of the downloader extractor: runs of
 * mov reg, imm32 / mov [base+disp], imm|reg / xor reg, reg tried from every
 * byte offset (dlr_arch.h, dlr_arch_int.h). */
#include "fetch/dlr_arch_int.h"

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
