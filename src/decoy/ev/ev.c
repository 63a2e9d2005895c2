/* ev.c — epoll + timer heap + signal self-pipe (see ev.h). */
#include "ev/ev.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "sys/sys.h"

static int sig_wfd = -1;

int ev_init(struct ev_loop *l, size_t max_timers)
{
	memset(l, 0, sizeof(*l));
	l->sigpipe[0] = l->sigpipe[1] = -1;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0)
		return -errno;
	l->heap = calloc(max_timers ? max_timers : 1, sizeof(*l->heap));
	if (!l->heap) {
		close(l->epfd);
		return -ENOMEM;
	}
	l->maxheap = max_timers;
	return 0;
}

void ev_done(struct ev_loop *l)
{
	if (l->epfd >= 0)
		close(l->epfd);
	if (l->sigpipe[0] >= 0) {
		close(l->sigpipe[0]);
		close(l->sigpipe[1]);
		sig_wfd = -1;
	}
	free(l->heap);
	l->heap = NULL;
}

int ev_io_set(struct ev_loop *l, struct ev_io *io, unsigned events)
{
	struct epoll_event e;
	int op;

	if (events == io->events)
		return 0;
	memset(&e, 0, sizeof e);
	e.data.ptr = io;
	e.events = (events & EV_READ ? EPOLLIN : 0u) | (events & EV_WRITE ? EPOLLOUT : 0u);
	op = !io->events ? EPOLL_CTL_ADD : !events ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
	if (epoll_ctl(l->epfd, op, io->fd, &e))
		return -errno;
	io->events = events;
	return 0;
}

/* --- timer heap (1-based slots stored in the timers) --- */

static void heap_place(struct ev_loop *l, size_t i, struct ev_timer *t)
{
	l->heap[i] = t;
	t->slot = i + 1;
}

static void sift_up(struct ev_loop *l, size_t i)
{
	struct ev_timer *t = l->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (l->heap[parent]->at <= t->at)
			break;
		heap_place(l, i, l->heap[parent]);
		i = parent;
	}
	heap_place(l, i, t);
}

static void sift_down(struct ev_loop *l, size_t i)
{
	struct ev_timer *t = l->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= l->nheap)
			break;
		if (c + 1 < l->nheap && l->heap[c + 1]->at < l->heap[c]->at)
			c++;
		if (t->at <= l->heap[c]->at)
			break;
		heap_place(l, i, l->heap[c]);
		i = c;
	}
	heap_place(l, i, t);
}

void ev_timer_stop(struct ev_loop *l, struct ev_timer *t)
{
	size_t i;

	if (!t->slot)
		return;
	i = t->slot - 1;
	t->slot = 0;
	l->nheap--;
	if (i == l->nheap)
		return;
	l->heap[i] = l->heap[l->nheap];
	l->heap[i]->slot = i + 1;
	sift_down(l, i);
	sift_up(l, l->heap[i]->slot - 1);
}

int ev_timer_in(struct ev_loop *l, struct ev_timer *t, uint64_t ms)
{
	ev_timer_stop(l, t);
	if (l->nheap >= l->maxheap)
		return -ENOSPC;
	t->at = sys_mono_ms() + ms;
	l->heap[l->nheap] = t;
	t->slot = ++l->nheap;
	sift_up(l, l->nheap - 1);
	return 0;
}

/* --- signals --- */

static void on_sig(int sig)
{
	unsigned char c = (unsigned char)sig;
	int saved = errno;

	if (sig_wfd >= 0 && write(sig_wfd, &c, 1) < 0) {
		/* pipe full: a signal is already pending */
	}
	errno = saved;
}

static void sig_readable(struct ev_loop *l, struct ev_io *io, unsigned revents)
{
	unsigned char c[16];
	ssize_t n, i;

	(void)revents;
	while ((n = read(io->fd, c, sizeof c)) > 0)
		for (i = 0; i < n; i++)
			if (l->on_signal)
				l->on_signal(l, c[i]);
}

int ev_signals(struct ev_loop *l, void (*cb)(struct ev_loop *l, int sig))
{
	struct sigaction sa;

	if (pipe2(l->sigpipe, O_NONBLOCK | O_CLOEXEC))
		return -errno;
	sig_wfd = l->sigpipe[1];
	l->on_signal = cb;
	l->sigio.fd = l->sigpipe[0];
	l->sigio.cb = sig_readable;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sig;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	return ev_io_set(l, &l->sigio, EV_READ);
}

void ev_stop(struct ev_loop *l)
{
	l->stop = true;
}

void ev_set_between(struct ev_loop *l, void (*cb)(void *ctx), void *ctx, unsigned every_ms)
{
	l->between = cb;
	l->between_ctx = ctx;
	l->between_ms = every_ms;
	l->between_at = sys_mono_ms();
}

/* After a callback: the between hook, if its period has passed. */
static void between(struct ev_loop *l)
{
	uint64_t now;

	if (!l->between)
		return;
	now = sys_mono_ms();
	if (now - l->between_at < l->between_ms)
		return;
	l->between_at = now;
	l->between(l->between_ctx);
}

int ev_run(struct ev_loop *l, void (*idle)(struct ev_loop *l))
{
	struct epoll_event evs[64];

	while (!l->stop) {
		int timeout = -1, n, i;
		uint64_t now;

		if (l->nheap) {
			now = sys_mono_ms();
			timeout = l->heap[0]->at <= now
				      ? 0
				      : (int)(l->heap[0]->at - now > 60000 ? 60000
									   : l->heap[0]->at - now);
		}
		n = epoll_wait(l->epfd, evs, 64, timeout);
		if (n < 0 && errno != EINTR)
			return -errno;
		for (i = 0; i < n; i++) {
			struct ev_io *io = evs[i].data.ptr;
			unsigned rev = 0;

			if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				rev |= EV_READ;
			if (evs[i].events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
				rev |= EV_WRITE;
			rev &= io->events ? io->events : 0;
			if (rev) {
				io->cb(l, io, rev);
				between(l);
			}
		}
		now = sys_mono_ms();
		while (l->nheap && l->heap[0]->at <= now) {
			struct ev_timer *t = l->heap[0];

			ev_timer_stop(l, t);
			t->cb(l, t);
			between(l);
		}
		if (idle)
			idle(l);
	}
	return 0;
}
