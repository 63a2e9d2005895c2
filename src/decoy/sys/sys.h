/* sys.h — the OS calls tests need to fake: clocks, randomness, durable
 * file writes. Everything else talks to the OS directly.
 *
 * Tests replace the clock with sys_fake_clock(); the daemon never does.
 */
#ifndef TANUKI_SYS_H
#define TANUKI_SYS_H

#include <stddef.h>
#include <stdint.h>

/* Monotonic milliseconds, for timers. */
uint64_t sys_mono_ms(void);
/* Wall clock in microseconds since the epoch, for event timestamps only. */
int64_t sys_wall_us(void);
/* Fills p with n random bytes (getrandom; falls back to /dev/urandom). */
int sys_random(void *p, size_t n);

/* Tests: fix both clocks (wall_us, mono_ms); 0,0 restores the real ones. */
void sys_fake_clock(int64_t wall_us, uint64_t mono_ms);

/* Writes data to path atomically and durably: a temporary name in the same
 * folder, fsync, rename, fsync of the folder. Returns 0 or -errno. */
int sys_write_atomic(const char *path, const void *data, size_t n);
/* Reads the whole file into b (reset first), within b's maximum: 0,
 * -EFBIG when it does not fit, or -errno. */
struct buf;
int sys_read_file(const char *path, struct buf *b);
/* mkdir -p with mode 0700 for each missing component. */
int sys_mkdirs(const char *path);

#endif
