/* doorsh.h — door shells kept between HTTP connections.
 *
 * The HTTP doors run one shell per connection, but bots split an attack
 * over several (Realtek: `rm`, then `wget … -O x`, then `chmod 777 x;
 * ./x`). A door shell is therefore parked when its connection ends, keyed
 * by source address and persona, for CAP_DOOR_KEEP_MS; the next door
 * connection from there takes it up with its files. Downloads the injected
 * commands start are not waited for (the HTTP answer does not wait on the
 * real device's background wget either); when one arrives it is written
 * into the shell wherever it is, attached or parked.
 *
 * Bounds: CAP_DOOR_SHELLS slots in a static table, each shell within the
 * vfs caps; expired slots are freed when a door looks for one, the least
 * recently parked is dropped when all are taken, and when every slot is in
 * use by a live connection the door gets a shell of its own (not kept).
 */
#ifndef TANUKI_DOORSH_H
#define TANUKI_DOORSH_H

struct session;
struct sh;
struct doorsh;

/* The shell for this door session (made or taken up), or NULL. */
struct doorsh *doorsh_get(struct session *s);
struct sh *doorsh_sh(struct doorsh *ds);
/* The session ends: what its commands built is captured, the shell parks. */
void doorsh_put(struct doorsh *ds);
/* Frees every slot (daemon_done, tests). */
void doorsh_clear(void);

#endif
