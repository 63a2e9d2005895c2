/* bounds.h — every cap of the decoy, in one place, with the reason for it.
 *
 * At a cap the decoy refuses or drops politely and keeps serving everyone
 * else; it never aborts. Caps marked (config) can be changed per unit in
 * `config tanuki 'main'`; the others are compile-time.
 */
#ifndef TANUKI_BOUNDS_H
#define TANUKI_BOUNDS_H

/* --- sessions --- */

/* Sessions at once (config max_sessions). A logged-in shell costs ~10-20 KB
 * and a pre-login session ~1 KB; 1024 shells stay under ~24 MB worst case on
 * a 32-64 MB router, and the fd limit is raised to fit. */
#define CAP_SESSIONS 1024
/* Sessions at once from one source address (config max_per_src). Mirai's
 * scanner opens up to 10 connections per target; 16 lets a real bot play
 * while one address cannot take the whole table. */
#define CAP_PER_SRC 16
/* Listeners in one config: three doors per persona plus catch-alls. */
#define CAP_LISTENERS 32

/* --- time --- */

/* Idle time before a session is closed (config idle_s). Mirai waits 30 s for
 * a prompt; real BusyBox telnetd has no idle timeout but bots never idle for
 * minutes, so 180 s only frees dead peers. */
#define CAP_IDLE_MS (180u * 1000u)
/* Whole-session time (config session_s): long enough for the echo loader to
 * push a ~100 KB binary in 128-byte lines with round trips, short enough
 * that a stuck peer cannot hold a slot for ever. */
#define CAP_SESSION_MS (30u * 60u * 1000u)
/* Longest `sleep` or pause a session may ask for. */
#define CAP_SLEEP_MS (60u * 1000u)

/* --- bytes in --- */

/* One input line (telnet, shell). BusyBox ash's line editor takes ~1 KB; the
 * echo loader's chunk lines are ~520 bytes; 4 KB covers every bot seen and
 * a longer line is cut (the rest is dropped up to the next line end). */
#define CAP_LINE 4096
/* Telnet subnegotiation payload (NAWS is 4 bytes, TTYPE a name). */
#define CAP_TELNET_SB 64
/* Input bytes buffered while a session is paused (login delay, sleep).
 * Past this we stop reading the socket and let TCP push back. */
#define CAP_INBUF 8192
/* Output queued for one session before it counts as a stalled peer and is
 * closed: `cat /bin/busybox` of the synthesized image plus prompts. */
#define CAP_OUTBUF (256u * 1024u)

/* --- the emulated shell --- */

/* Bytes of files a session may create (the default of config fs_kb).
 * Mirai binaries are 50-150 KB, the echo-built downloader ~1 KB; 1 MB
 * holds a few of them. */
#define CAP_FS_SESSION (1024u * 1024u)
/* Bytes of files all sessions together may hold in RAM (the default of
 * config fs_total_kb): the router has tens of MB; 16 MB for attacker
 * files is the ceiling. */
#define CAP_FS_TOTAL (16u * 1024u * 1024u)
/* Files (nodes) one session may create: `touch` loops cost memory too. */
#define CAP_FS_NODES 512
/* Nesting of $(…), `…`, sh -c and while bodies in one line. */
#define CAP_SH_DEPTH 8
/* Words / tokens in one line after expansion. */
#define CAP_SH_WORDS 1024
/* Loop iterations in one line (while read over a file). */
#define CAP_SH_LOOP 4096
/* Output one line may produce (`yes`-like loops, cat of big files). */
#define CAP_SH_OUTPUT (512u * 1024u)
/* Environment variables a session may set. */
#define CAP_SH_VARS 64
/* Path length in the emulated fs. */
#define CAP_PATH 256
/* A generated /proc file as read (procfs_read.c): net/tcp with its rows
 * padded to 149 columns, a pid's status or maps. Larger is cut. */
#define CAP_PROCFS_FILE 16384

/* --- the store --- */

/* Events buffered in RAM before a write (bytes); flushed at least every
 * STORE_FLUSH_MS. A burst past this is written at once. */
#define CAP_EVBUF (64u * 1024u)
/* One event line: fields are capped before this, so only junk reaches it. */
#define CAP_EVENT (16u * 1024u)
/* Attacker text quoted in one event field (input, username, …). */
#define CAP_FIELD 4096
/* Largest binary kept from one capture. */
#define CAP_FILE (4u * 1024u * 1024u)

/* --- HTTP doors (proto/http.c) --- */

/* Request line plus headers. Bot requests to 37215/52869 carry 0-8 headers
 * in 100-400 bytes, nmap's probes stay under 1 KB and miniupnpd itself keeps
 * a 2 KB read buffer; 4 KB fits every client seen, and a longer head is cut
 * there (logged, answered, then the connection ends). */
#define CAP_HTTP_HEAD 4096
/* Header lines kept per request. Browsers send ~12, bots 0-6; later lines
 * stay in the logged head but are not looked up. */
#define CAP_HTTP_HEADERS 32
/* Request body. The SOAP bodies of the HG532 and Realtek exploits are
 * 300-700 bytes, Metasploit's ~1 KB; 16 KB leaves room for echo-built
 * droppers inside one argument. Past this the body is cut and the rest of
 * the connection dropped. */
#define CAP_HTTP_BODY (16u * 1024u)
/* A request whose framing is not complete (Content-Length larger than what
 * came, or a POST without one) is acted on after this much silence. Bots
 * that lie about the length write everything at once; the second request
 * of the "two requests 5 s apart" pattern must not be waited for. */
#define CAP_HTTP_IDLE_MS 1500u
/* Body bytes quoted in tanuki.http.request (the whole body is what the
 * exploit event and the shell see). */
#define CAP_HTTP_EXCERPT 2048
/* Commands taken out of one request ($(...) and `...` segments). */
#define CAP_HTTP_CMDS 8
/* Door shells kept between HTTP connections, per source address and
 * persona, so the Realtek pattern's third request (chmod, run) sees the
 * file its second one fetched. Each holds at most CAP_FS_SESSION of files
 * (all of them within CAP_FS_TOTAL); 8 covers a few bots at once, the
 * least recently parked is dropped first. */
#define CAP_DOOR_SHELLS 8
/* How long a parked door shell waits for its next request: bots send the
 * three requests within seconds ("two requests 5 s apart"). */
#define CAP_DOOR_KEEP_MS (60u * 1000u)

/* --- the payload fetcher (fetch/) --- */

/* Bytes of one fetched file (config fetch max_kb): CAP_FILE, the largest
 * binary the store keeps. Mirai/Gafgyt builds are 50-150 KB, the biggest
 * Go bots (BotenaGo, Kaiji) 2-4 MB; past this the fetch is cut, not stored. */
#define CAP_FETCH_BYTES CAP_FILE
/* Seconds one fetch may take, DNS to last byte (config fetch timeout_s):
 * a 4 MB file at a slow 1 Mbit/s line takes ~35 s; a drip-feeding server
 * is cut here. */
#define CAP_FETCH_MS (30u * 1000u)
/* Fetches in flight. Each holds up to CAP_FETCH_BYTES in RAM until it is
 * stored: 4 x 4 MB = 16 MB worst case, the same ceiling as CAP_FS_TOTAL. */
#define CAP_FETCH_INFLIGHT 4
/* Fetches one session may start: a loader tries wget, then tftp, for one
 * or two architectures; 8 covers it, a loop of wgets does not get more. */
#define CAP_FETCH_PER_SESSION 8
/* Fetches started per minute by the whole decoy: the decoy must not become
 * a download amplifier pointed at some third party. */
#define CAP_FETCH_PER_MIN 30
/* Fetches in flight to one target host: one payload server gets at most
 * this many connections from us at once. */
#define CAP_FETCH_PER_HOST 2
/* HTTP redirects followed (BusyBox wget follows 5; each hop is re-checked
 * against the address policy). */
#define CAP_FETCH_REDIRECTS 5
/* HTTP response head, FTP reply lines: real servers send < 1 KB. */
#define CAP_FETCH_HEAD 8192
/* Second-stage fetches found in one binary (Mirai dlr has one URL). */
#define CAP_FETCH_STAGE2 2
/* DNS: one try waits this long, and there is exactly one retry. */
#define CAP_DNS_TRY_MS 2000u
/* TFTP: wait this long for a block before resending, at most this often
 * (BusyBox tftp: 5 tries with a growing wait). */
#define CAP_TFTP_WAIT_MS 2000u
#define CAP_TFTP_RETRIES 4
/* Entries in `list allow` of config fetch. */
#define CAP_FETCH_ALLOW 16
/* Input lines a shell keeps while it waits for a download (bytes, with a
 * 2-byte length per line): a tty's input buffer is 4096 bytes (N_TTY), and
 * two full lines fit so a loader's next command and its token are kept;
 * what comes past this is dropped, as a full tty drops typed bytes. */
#define CAP_SH_QUEUE (2u * (CAP_LINE + 2u))

#endif
