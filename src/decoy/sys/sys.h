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
/* The decoy's own time (issue 17): a router without RTC boots in the past,
 * and with its WAN port on lwIP its kernel cannot reach an NTP server. Once
 * a source (SNTP, the hub's Date) has given the time, sys_wall_us() is the
 * monotonic clock plus that offset; before, it is the kernel's clock. */
enum sys_time_src { SYS_TIME_NONE, SYS_TIME_HUB, SYS_TIME_SNTP };
/* Monotonic microseconds (the base of the learned time). */
uint64_t sys_mono_us(void);
/* A source is configured: until it answers, sys_time_uncertain() says so. */
void sys_time_expect(int on);
/* The time is mono_off_us ahead of sys_mono_us(), from src. Returns the step
 * (the new wall time minus the one before, microseconds). */
int64_t sys_time_learn(int64_t mono_off_us, enum sys_time_src src);
/* True while a source is expected and none has answered. */
int sys_time_uncertain(void);
/* The learned time minus the kernel's clock (0 before), and its source. */
int64_t sys_time_offset_us(void);
enum sys_time_src sys_time_source(void);
const char *sys_time_source_name(enum sys_time_src src);
/* Tests: forget what was learned. */
void sys_time_reset(void);
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
