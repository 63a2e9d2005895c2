/* dlr_arch.h — the constant tracker shared by the per-architecture walkers
 * of the downloader extractor (dlr.c; the walkers in dlr_mips.c,
 * dlr_arm.c, dlr_x86.c, dlr_other.c). Internal to fetch/.
 *
 * A walker decodes instructions in order and tells the tracker what they
 * do to registers (set to a constant, unknown) and memory (a store of a
 * known or unknown value to [base register + offset]). The tracker keeps
 * the last DLR_SHADOW stored bytes per (base, offset) and, after each store,
 * looks for a sockaddr_in among bytes written within DLR_WINDOW steps. A
 * write to a base register forgets what was stored relative to it. Fixed
 * size, no allocation.
 */
#ifndef TANUKI_DLR_ARCH_H
#define TANUKI_DLR_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DLR_NREG 32   /* register ids 0..31 per architecture */
#define DLR_SHADOW 48 /* stored bytes remembered */
#define DLR_WINDOW 48 /* steps (instructions) a sockaddr may be spread over */
#define DLR_FINDS 8   /* distinct sockaddr finds kept */

struct dlr_seg {
	uint32_t vaddr, off, filesz; /* filesz already clipped to the file */
	bool exec;
};

struct dlr_byte {
	int32_t off;
	uint32_t step;
	uint8_t base, val, used;
};

struct dlr_find {
	uint8_t addr[4];
	uint16_t port;
};

struct dlr_vm {
	bool be; /* target byte order */
	uint32_t reg[DLR_NREG];
	uint32_t known; /* bit r: reg[r] holds a constant */
	uint32_t bases; /* bit r: mem may hold bytes stored relative to r */
	uint32_t step;
	struct dlr_byte mem[DLR_SHADOW];
	struct dlr_find finds[DLR_FINDS];
	unsigned nfinds, nall; /* distinct kept; all seen (with repeats) */
	bool overflow;	       /* more distinct finds than DLR_FINDS */
	/* loaded image, for pc-relative literal loads */
	const uint8_t *file;
	size_t size;
	const struct dlr_seg *seg;
	unsigned nseg;
};

void dlr_vm_reset(struct dlr_vm *vm); /* registers and stored bytes */
void dlr_vm_set(struct dlr_vm *vm, unsigned r, uint32_t v);
void dlr_vm_unset(struct dlr_vm *vm, unsigned r);
void dlr_vm_unset_mask(struct dlr_vm *vm, uint32_t mask);
bool dlr_vm_get(const struct dlr_vm *vm, unsigned r, uint32_t *v);
void dlr_vm_store(struct dlr_vm *vm, unsigned base, int32_t off, unsigned size, bool known,
		  uint32_t v);
/* Reads `size` (2 or 4) bytes in target order at virtual address va of a
 * loaded segment; false when outside every segment. */
bool dlr_vm_load(const struct dlr_vm *vm, uint32_t va, unsigned size, uint32_t *v);

/* Walkers: code is the executable bytes at virtual address va. */
void dlr_walk_mips(struct dlr_vm *vm, const uint8_t *code, size_t n, uint32_t va);
void dlr_walk_arm(struct dlr_vm *vm, const uint8_t *code, size_t n, uint32_t va);
void dlr_walk_ppc(struct dlr_vm *vm, const uint8_t *code, size_t n, uint32_t va);
void dlr_walk_sh(struct dlr_vm *vm, const uint8_t *code, size_t n, uint32_t va);
void dlr_walk_x86(struct dlr_vm *vm, const uint8_t *code, size_t n, uint32_t va);
void dlr_walk_m68k(struct dlr_vm *vm, const uint8_t *code, size_t n, uint32_t va);

#endif
