/* ev.h — the one event loop: epoll for sockets, a binary heap for timers,
 * a self-pipe for signals.
 *
 * Handles (struct ev_io, struct ev_timer) live inside the objects that own
 * them and are found again with container_of(). The loop never allocates
 * after ev_init(): the timer heap is sized there, from the caps.
 */
#ifndef TANUKI_EV_H
#define TANUKI_EV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define container_of(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

#define EV_READ 1u
#define EV_WRITE 2u

struct ev_loop;

struct ev_io {
	int fd;
	unsigned events; /* what is registered now */
	void (*cb)(struct ev_loop *l, struct ev_io *io, unsigned revents);
};

struct ev_timer {
	uint64_t at; /* monotonic ms */
	size_t slot; /* heap index + 1; 0 when not armed */
	void (*cb)(struct ev_loop *l, struct ev_timer *t);
};

struct ev_loop {
	int epfd;
	int sigpipe[2];
	struct ev_io sigio;
	struct ev_timer **heap;
	size_t nheap, maxheap;
	bool stop;
	int last_signal;
	void (*on_signal)(struct ev_loop *l, int sig);
	/* Called between two callbacks once `between_ms` have passed since
	 * its last call (ev_set_between): the listeners accept there, so a
	 * new peer waits at most one callback's work, not a whole turn. */
	void (*between)(void *ctx);
	void *between_ctx;
	unsigned between_ms;
	uint64_t between_at;
};

int ev_init(struct ev_loop *l, size_t max_timers);
void ev_done(struct ev_loop *l);

/* Registers io for `events` (0 removes it). Returns 0 or -errno. */
int ev_io_set(struct ev_loop *l, struct ev_io *io, unsigned events);
/* Arms t to fire `ms` from now (re-arms if armed). -ENOSPC if the heap is full. */
int ev_timer_in(struct ev_loop *l, struct ev_timer *t, uint64_t ms);
void ev_timer_stop(struct ev_loop *l, struct ev_timer *t);
/* Sets the between-callbacks hook (NULL: none). */
void ev_set_between(struct ev_loop *l, void (*cb)(void *ctx), void *ctx, unsigned every_ms);
static inline bool ev_timer_armed(const struct ev_timer *t)
{
	return t->slot != 0;
}

/* Routes SIGINT/SIGTERM/SIGHUP (and SIGPIPE ignored) into the loop. */
int ev_signals(struct ev_loop *l, void (*cb)(struct ev_loop *l, int sig));
/* Runs until ev_stop(). `idle` (may be NULL) is called once per iteration,
 * after callbacks: the place to free objects marked closing. */
int ev_run(struct ev_loop *l, void (*idle)(struct ev_loop *l));
void ev_stop(struct ev_loop *l);

#endif
