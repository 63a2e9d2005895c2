/* dlr_arch_int.h — what the per-architecture walkers share (dlr_mips.c,
 * dlr_arm.c, dlr_x86.c, dlr_other.c): reading words in either byte order,
 * sign extension, a store of a register, and what a call or an end does
 * to the tracker (dlr_arch.h). Not for other files.
 *
 * Each walker decodes only what builds constants in registers and stores
 * them; every other instruction makes the registers it may write unknown,
 * calls make the caller-saved registers unknown, and returns or
 * unconditional jumps forget everything. A walker that does not
 * understand something loses a find, never invents one: the verdict is
 * then uncertain.
 */
#ifndef TANUKI_DLR_ARCH_INT_H
#define TANUKI_DLR_ARCH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fetch/dlr_arch.h"

static inline uint32_t w32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
		  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static inline uint16_t w16(const uint8_t *p, bool be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static inline uint32_t sext(uint32_t v, unsigned bits)
{
	uint32_t m = 1u << (bits - 1);

	v &= (bits == 32) ? 0xffffffffu : ((1u << bits) - 1);
	return (v ^ m) - m;
}

static inline void store_reg(struct dlr_vm *vm, unsigned base, int32_t off, unsigned size,
			     unsigned r)
{
	uint32_t v = 0;
	bool k = dlr_vm_get(vm, r, &v);

	dlr_vm_store(vm, base, off, size, k, v);
}

enum { NOTHING, CALL, END };

/* after a call: what the callee may have changed */
static inline void after(struct dlr_vm *vm, int what, uint32_t caller_saved)
{
	if (what == CALL)
		dlr_vm_unset_mask(vm, caller_saved);
	else if (what == END)
		dlr_vm_reset(vm);
}

#endif
