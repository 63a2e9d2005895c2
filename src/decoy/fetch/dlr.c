/* dlr.c — second-stage extraction from tiny downloaders (see dlr.h): the
 * ELF reader, the constant tracker's memory, and the verdict. The
 * per-architecture instruction walkers are in dlr_mips.c, dlr_arm.c,
 * dlr_x86.c and dlr_other.c. */
#include "fetch/dlr.h"
#include "fetch/dlr_arch.h"

#include <stdio.h>
#include <string.h>

#define EM_68K 4
#define EM_386 3
#define EM_MIPS 8
#define EM_PPC 20
#define EM_ARM 40
#define EM_SH 42
#define PT_LOAD 1
#define PF_X 1
#define GET_MAX 8 /* "GET /" occurrences looked at in one file */

/* ---- the tracker ---- */

void dlr_vm_reset(struct dlr_vm *vm)
{
	vm->known = 0;
	if (vm->bases)
		memset(vm->mem, 0, sizeof vm->mem);
	vm->bases = 0;
}

static void forget_base(struct dlr_vm *vm, unsigned r)
{
	unsigned i;

	if (r >= DLR_NREG || !(vm->bases & (1u << r)))
		return;
	vm->bases &= ~(1u << r);
	for (i = 0; i < DLR_SHADOW; i++)
		if (vm->mem[i].used && vm->mem[i].base == r)
			vm->mem[i].used = 0;
}

void dlr_vm_set(struct dlr_vm *vm, unsigned r, uint32_t v)
{
	if (r >= DLR_NREG)
		return;
	vm->reg[r] = v;
	vm->known |= 1u << r;
	forget_base(vm, r);
}

void dlr_vm_unset(struct dlr_vm *vm, unsigned r)
{
	if (r >= DLR_NREG)
		return;
	vm->known &= ~(1u << r);
	forget_base(vm, r);
}

void dlr_vm_unset_mask(struct dlr_vm *vm, uint32_t mask)
{
	unsigned r;

	for (r = 0; r < DLR_NREG; r++)
		if (mask & (1u << r))
			dlr_vm_unset(vm, r);
}

bool dlr_vm_get(const struct dlr_vm *vm, unsigned r, uint32_t *v)
{
	if (r >= DLR_NREG || !(vm->known & (1u << r)))
		return false;
	*v = vm->reg[r];
	return true;
}

static struct dlr_byte *byte_at(struct dlr_vm *vm, unsigned base, int32_t off)
{
	unsigned i;

	for (i = 0; i < DLR_SHADOW; i++) {
		struct dlr_byte *b = &vm->mem[i];

		if (b->used && b->base == base && b->off == off) {
			if (vm->step - b->step > DLR_WINDOW)
				return NULL;
			return b;
		}
	}
	return NULL;
}

/* A first octet a server can have: not 0 nor multicast/reserved; the
 * last octet neither 0 nor 255 (a network or broadcast address is not a
 * server; such a find stays uncertain). */
static bool plausible(const uint8_t a[4])
{
	return a[0] != 0 && a[0] < 224 && a[3] != 0 && a[3] != 255;
}

static void add_find(struct dlr_vm *vm, const uint8_t a[4], uint16_t port)
{
	unsigned i;

	vm->nall++;
	for (i = 0; i < vm->nfinds; i++)
		if (!memcmp(vm->finds[i].addr, a, 4) && vm->finds[i].port == port)
			return;
	if (vm->nfinds == DLR_FINDS) {
		vm->overflow = true;
		return;
	}
	memcpy(vm->finds[vm->nfinds].addr, a, 4);
	vm->finds[vm->nfinds].port = port;
	vm->nfinds++;
}

/* Does [base+s, base+s+8) hold family, port, address? */
static void check_sockaddr(struct dlr_vm *vm, unsigned base, int32_t s)
{
	uint8_t b[8];
	unsigned i;
	uint16_t fam, port;

	for (i = 0; i < 8; i++) {
		struct dlr_byte *x = byte_at(vm, base, s + (int32_t)i);

		if (!x)
			return;
		b[i] = x->val;
		/* the family first: most stores are not a sockaddr */
		if (i == 1 && b[vm->be ? 1 : 0] != 2)
			return;
		if (i == 1 && b[vm->be ? 0 : 1] != 0)
			return;
	}
	fam = vm->be ? (uint16_t)(b[0] << 8 | b[1]) : (uint16_t)(b[1] << 8 | b[0]);
	port = (uint16_t)(b[2] << 8 | b[3]);
	if (fam != 2 || !port || !plausible(b + 4))
		return;
	add_find(vm, b + 4, port);
}

void dlr_vm_store(struct dlr_vm *vm, unsigned base, int32_t off, unsigned size, bool known,
		  uint32_t v)
{
	unsigned i, k;
	int32_t s;

	if (size != 1 && size != 2 && size != 4)
		return;
	if (base >= DLR_NREG || off < -0x100000 || off > 0x100000)
		return;
	if (known)
		vm->bases |= 1u << base;
	for (i = 0; i < size; i++) {
		/* byte i at off+i, in the target's order */
		unsigned sh = vm->be ? 8 * (size - 1 - i) : 8 * i;
		struct dlr_byte *slot = NULL, *oldest = &vm->mem[0];

		for (k = 0; k < DLR_SHADOW; k++) {
			struct dlr_byte *b = &vm->mem[k];

			if (b->used && b->base == base && b->off == off + (int32_t)i) {
				slot = b;
				break;
			}
			if (!b->used) {
				if (!slot)
					slot = b;
			} else if (oldest->used && b->step < oldest->step) {
				oldest = b;
			}
		}
		if (!slot)
			slot = oldest;
		if (!known) {
			slot->used = 0;
			continue;
		}
		slot->used = 1;
		slot->base = (uint8_t)base;
		slot->off = off + (int32_t)i;
		slot->step = vm->step;
		slot->val = (uint8_t)(v >> sh);
	}
	if (!known)
		return;
	/* sockaddr_in starts 4-aligned and covers this store */
	for (s = (off - 7) & ~3; s <= off + (int32_t)size - 1; s += 4)
		check_sockaddr(vm, base, s);
}

bool dlr_vm_load(const struct dlr_vm *vm, uint32_t va, unsigned size, uint32_t *v)
{
	unsigned i;

	for (i = 0; i < vm->nseg; i++) {
		const struct dlr_seg *g = &vm->seg[i];
		const uint8_t *p;

		if (va < g->vaddr || va - g->vaddr > g->filesz ||
		    g->filesz - (va - g->vaddr) < size)
			continue;
		p = vm->file + g->off + (va - g->vaddr);
		if (size == 4)
			*v = vm->be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
					  (uint32_t)p[2] << 8 | p[3]
				    : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
					  (uint32_t)p[1] << 8 | p[0];
		else
			*v = vm->be ? (uint32_t)(p[0] << 8 | p[1]) : (uint32_t)(p[1] << 8 | p[0]);
		return true;
	}
	return false;
}

/* ---- ELF ---- */

static uint32_t rd(const uint8_t *p, unsigned size, bool be)
{
	uint32_t v = 0;
	unsigned i;

	for (i = 0; i < size; i++)
		v |= (uint32_t)p[be ? i : size - 1 - i] << (8 * (size - 1 - i));
	return v;
}

struct arch {
	uint16_t machine;
	bool be;
	const char *name;
	void (*walk)(struct dlr_vm *, const uint8_t *, size_t, uint32_t);
};

static const struct arch archs[] = {
    {EM_MIPS, true, "mips", dlr_walk_mips},  {EM_MIPS, false, "mipsel", dlr_walk_mips},
    {EM_ARM, false, "arm", dlr_walk_arm},    {EM_386, false, "x86", dlr_walk_x86},
    {EM_PPC, true, "powerpc", dlr_walk_ppc}, {EM_SH, false, "sh4", dlr_walk_sh},
    {EM_68K, true, "m68k", dlr_walk_m68k},
};

static bool path_char(uint8_t c)
{
	return c > 0x20 && c < 0x7f && c != '"' && c != '<' && c != '>' && c != '\\';
}

/* The request line: exactly one distinct "GET /path HTTP/1.x" inside the
 * loaded segments. Returns 0 none, 1 one, 2 several different. */
static int request_line(const uint8_t *p, const struct dlr_seg *seg, unsigned nseg, char *path,
			size_t pathsz)
{
	unsigned i, looked = 0;
	int found = 0;

	path[0] = '\0';
	for (i = 0; i < nseg; i++) {
		const uint8_t *q = p + seg[i].off, *e = q + seg[i].filesz;

		while (q < e && looked < GET_MAX) {
			const uint8_t *g = memmem(q, (size_t)(e - q), "GET /", 5), *ps, *pe;

			if (!g)
				break;
			looked++;
			ps = g + 4;
			for (pe = ps; pe < e && path_char(*pe) && (size_t)(pe - ps) < pathsz - 1;
			     pe++)
				;
			q = pe;
			if (e - pe < 9 || memcmp(pe, " HTTP/1.", 8))
				continue;
			if (found && (strlen(path) != (size_t)(pe - ps) ||
				      memcmp(path, ps, (size_t)(pe - ps))))
				return 2;
			memcpy(path, ps, (size_t)(pe - ps));
			path[pe - ps] = '\0';
			found = 1;
		}
	}
	return found;
}

const char *dlr_verdict_name(enum dlr_verdict v)
{
	return v == DLR_CERTAIN ? "certain" : v == DLR_UNCERTAIN ? "uncertain" : "none";
}

static enum dlr_verdict verdict(struct dlr_result *r, enum dlr_verdict v, const char *why)
{
	r->verdict = v;
	r->reason = why;
	return v;
}

static void set_addr(struct dlr_result *r, const struct dlr_find *f)
{
	r->have_addr = true;
	memcpy(r->addr, f->addr, 4);
	r->port = f->port;
	snprintf(r->host, sizeof r->host, "%u.%u.%u.%u", f->addr[0], f->addr[1], f->addr[2],
		 f->addr[3]);
}

enum dlr_verdict dlr_analyse(const uint8_t *p, size_t n, struct dlr_result *r)
{
	struct dlr_seg seg[DLR_MAX_PHDR];
	struct dlr_vm vm;
	const struct arch *a = NULL;
	uint32_t phoff, phentsize, phnum;
	unsigned i, nseg = 0;
	bool be;
	int req;

	memset(r, 0, sizeof(*r));
	r->arch = "";
	if (!p || n < 52 || n > DLR_MAX_FILE ||
	    memcmp(p,
		   "\x7f"
		   "ELF",
		   4))
		return verdict(r, DLR_NONE, "not_elf");
	if (p[4] != 1) /* ELFCLASS32 only: every downloader of the list */
		return verdict(r, DLR_NONE, "not_elf32");
	if (p[5] != 1 && p[5] != 2)
		return verdict(r, DLR_NONE, "bad_elf");
	be = p[5] == 2;
	r->big_endian = be;
	r->machine = (uint16_t)rd(p + 18, 2, be);
	for (i = 0; i < sizeof archs / sizeof archs[0]; i++)
		if (archs[i].machine == r->machine && archs[i].be == be)
			a = &archs[i];
	if (!a)
		return verdict(r, DLR_NONE, "machine");
	r->arch = a->name;
	phoff = rd(p + 28, 4, be);
	phentsize = rd(p + 42, 2, be);
	phnum = rd(p + 44, 2, be);
	if (phentsize < 32 || !phnum || phnum > DLR_MAX_PHDR || phoff > n ||
	    (n - phoff) / phentsize < phnum)
		return verdict(r, DLR_NONE, "bad_phdr");
	for (i = 0; i < phnum; i++) {
		const uint8_t *ph = p + phoff + (size_t)i * phentsize;
		uint32_t off = rd(ph + 4, 4, be), va = rd(ph + 8, 4, be);
		uint32_t filesz = rd(ph + 16, 4, be), flags = rd(ph + 24, 4, be);

		if (rd(ph, 4, be) != PT_LOAD || !filesz)
			continue;
		if (off >= n)
			continue;
		if (filesz > n - off)
			filesz = (uint32_t)(n - off);
		if (va > UINT32_MAX - filesz)
			continue;
		seg[nseg].vaddr = va;
		seg[nseg].off = off;
		seg[nseg].filesz = filesz;
		seg[nseg].exec = flags & PF_X;
		nseg++;
	}
	if (!nseg)
		return verdict(r, DLR_NONE, "no_load");
	req = request_line(p, seg, nseg, r->path, sizeof r->path);
	if (!req)
		return verdict(r, DLR_NONE, "no_request");

	memset(&vm, 0, sizeof vm);
	vm.be = be;
	vm.file = p;
	vm.size = n;
	vm.seg = seg;
	vm.nseg = nseg;
	for (i = 0; i < nseg; i++) {
		if (!seg[i].exec)
			continue;
		dlr_vm_reset(&vm);
		a->walk(&vm, p + seg[i].off, seg[i].filesz, seg[i].vaddr);
	}
	r->finds = vm.nall;
	if (vm.nfinds)
		set_addr(r, &vm.finds[0]);
	if (req == 2)
		return verdict(r, DLR_UNCERTAIN, "several_requests");
	if (!vm.nfinds)
		return verdict(r, DLR_UNCERTAIN, "no_sockaddr");
	if (vm.nfinds > 1 || vm.overflow)
		return verdict(r, DLR_UNCERTAIN, "several_sockaddrs");
	return verdict(r, DLR_CERTAIN, "sockaddr");
}

size_t dlr_extract(const uint8_t *p, size_t n, uint16_t default_port, struct dlr_hit *hits,
		   size_t max)
{
	struct dlr_result r;

	if (!max || dlr_analyse(p, n, &r) != DLR_CERTAIN)
		return 0;
	memset(&hits[0], 0, sizeof hits[0]);
	snprintf(hits[0].host, sizeof hits[0].host, "%s", r.host);
	snprintf(hits[0].path, sizeof hits[0].path, "%s", r.path);
	hits[0].port = r.port == 80 ? default_port : r.port;
	return 1;
}
