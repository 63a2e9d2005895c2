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
/* Sessions at once from one source (config max_per_src): an IPv4 address,
 * or an IPv6 /64 (one customer's prefix: a host there has 2^64 addresses).
 * Mirai's scanner opens up to 10 connections per target; 16 lets a real
 * bot play while one source cannot take the whole table. When the table is
 * full a new peer evicts the longest-idle session that has not logged in
 * (else the longest-idle one of the source holding most), so a flood of
 * idle connections cannot keep a fresh source out. */
#define CAP_PER_SRC 16
/* Listeners in one config: three doors per persona plus catch-alls. */
#define CAP_LISTENERS 32

/* --- time --- */

/* A session that has not logged in by then ends (config login_s): BusyBox
 * login's alarm (loginutils/login.c TIMEOUT, 60 s in every version the
 * personas claim), which then prints "Login timed out after 60 seconds". */
#define CAP_LOGIN_MS (60u * 1000u)

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
/* Work one input line may do, in units of one byte scanned, read or
 * written (a command counts 256, a loop turn 64; sh_int.h). 8 M units is
 * ~8 ms of the PC's release build (~20 ms under ASan; grep or wc over
 * /bin/busybox in a loop, measured) and more than any bot line needs:
 * `cat /bin/busybox` of a 2.3 MB image is ~4.6 M units, a Mirai session's
 * heaviest line under 1.5 M. Past it the line ends as a killed command
 * ("Killed", status 137) — the single-threaded daemon serves everyone
 * else between lines. */
#define CAP_SH_WORK_LINE (8u * 1024u * 1024u)
/* Work one session may do in all (~200 killed lines): past it the shell
 * is killed and the session ends, as if the OOM killer took it. */
#define CAP_SH_WORK_SESSION (1600ull * 1024u * 1024u)

/* --- memory accounts (common/acct.h) --- */

/* Working memory one session may hold besides its files (config mem_kb):
 * its output queue (CAP_OUTBUF), input, the shell's argument lists, parser
 * arrays, redirection copies and substitution buffers, door bodies. 2 MB
 * is 8x what a Mirai session peaks at; `wc -c<b<b…` with 256 copies of a
 * 664 KB file, or 1024 words of 16 KB, stop here with "out of memory". */
#define CAP_MEM_SESSION (2u * 1024u * 1024u)
/* Working memory of all sessions together (config mem_total_kb): with
 * CAP_FS_TOTAL (files) and CAP_FETCH_INFLIGHT x CAP_FETCH_BYTES (downloads)
 * the attacker-driven RAM stays under ~40 MB worst case; typical is < 2 MB.
 * A session that cannot get memory here fails its command; the daemon's
 * own allocations are not charged and never fail for this. */
#define CAP_MEM_TOTAL (8u * 1024u * 1024u)
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
/* TFTP: BusyBox tftp's resend schedule (networking/tftp.c, tag 1_17_1):
 * the first wait for a block, the longest (each next one is 1.5 times the
 * last), and the waits before it gives up (12: ~12.9 s in all). */
#define CAP_TFTP_WAIT_MS 100u
#define CAP_TFTP_MAX_WAIT_MS 2000u
#define CAP_TFTP_TRIES 12u
/* Entries in `list allow` of config fetch. */
#define CAP_FETCH_ALLOW 16
/* Input lines a shell keeps while it waits for a download (bytes, with a
 * 2-byte length per line): a tty's input buffer is 4096 bytes (N_TTY), and
 * two full lines fit so a loader's next command and its token are kept;
 * what comes past this is dropped, as a full tty drops typed bytes. */
#define CAP_SH_QUEUE (2u * (CAP_LINE + 2u))

/* --- the WAN stack (lwIP, net/lwip_port.c; pools in net/lwip/lwipopts.h) ---
 * lwIP's memory is static: pools of fixed size and one small heap, sized
 * here. A flood fills a pool (lwIP drops, or answers as a full kernel
 * does), never the process's memory. */

/* TCP connections of every state (established sessions, SYN_RCVD, the
 * closing states, TIME_WAIT). The devices' Linux 2.6 kernels keep a SYN
 * backlog of 128-256 on small RAM; 256 PCBs (~170 bytes each on MIPS) are
 * ~43 KB of RAM. When the pool is full lwIP reuses TIME_WAIT and closing
 * PCBs first; sessions run at the highest priority and are never taken for
 * a new SYN, which is dropped instead (half-open ones expire in 20 s). */
#define CAP_WAN_TCP_PCBS 256
/* Half-open connections waiting on one listening port (listen backlog):
 * Linux 2.6's default somaxconn is 128; half the pool keeps room for the
 * sessions themselves. */
#define CAP_WAN_BACKLOG 128
/* Half-open connections one source may hold (SYN_RCVD): a real client has
 * one or two; Mirai's scanner retries a port a few times. Past this a
 * source's SYNs are counted and dropped, so one flooding address cannot
 * fill the backlog and lock everyone else out. */
#define CAP_WAN_HALFOPEN_PER_SRC 8
/* TCP segments queued for sending (all connections): a session's output
 * waits in its own queue (CAP_OUTBUF) and lwIP holds at most TCP_SND_BUF
 * (4 segments) per connection; 512 covers 128 connections sending at once,
 * the rest wait for an ACK. */
#define CAP_WAN_TCP_SEGS 512
/* Received frames held at once (pool pbufs of one MTU each): input is
 * copied out of them at once (net/wan.c), so only the frames of one burst
 * of the raw socket and IP fragments being reassembled wait here. 64
 * frames are ~100 KB. */
#define CAP_WAN_RX_PBUFS 64
/* lwIP's heap: outgoing segments (copied) and ARP-queued packets. 64 KB
 * keeps ~44 full segments in flight for everyone; when it is full a
 * session's write waits (EAGAIN) for ACKs, as a full socket does. */
#define CAP_WAN_HEAP (64u * 1024u)
/* UDP endpoints: the DHCP client (and later DNS, SNTP, TFTP fetches). */
#define CAP_WAN_UDP_PCBS 8
/* DNS names lwIP's resolver caches (its servers come from DHCP or PPP):
 * the fetcher and SNTP resolve a few names at a time. */
#define CAP_WAN_DNS_TABLE 4
/* PPPoE (`proto pppoe`): one session, one PPP control block (lwIP's pools
 * hold exactly one each). A user name or password (PAP/CHAP) and the peer's
 * CHAP name are at most 63 bytes: ISPs' are short (user@isp), and these
 * size buffers on lwIP's stack; longer ones are refused by config. The MRU
 * is PPPoE's (RFC 2516: 1500 less its 8-byte header). LCP echo requests
 * (OpenWrt's pppd default `keepalive '5 1'`: one a second, 5 unanswered end
 * the link; config's keepalive changes it); a lost link is redialled after
 * 1, 2, 4 ... s, at most CAP_PPP_BACKOFF_S apart, so a dead concentrator or
 * a refused password gets a try a minute, not a flood. */
#define CAP_PPP_NAME 64
#define CAP_PPP_MRU 1492
#define CAP_PPP_KEEPALIVE "5 1"
#define CAP_PPP_BACKOFF_S 64u
/* ARP entries: the WAN sees its gateway and a few on-link hosts; every
 * remote attacker is behind the gateway's one entry. */
#define CAP_WAN_ARP 16
/* IP fragments being reassembled (datagrams, pbufs): Linux reassembles,
 * so the decoy does too, within a small bound (fragment floods are dropped
 * past it, as Linux drops past ipfrag_high_thresh). */
#define CAP_WAN_REASS 4
#define CAP_WAN_REASS_PBUFS 16
/* Bytes a WAN connection buffers between lwIP and its session: one TCP
 * window (TCP_WND). The window is opened again only as the session takes
 * the bytes, so a paused session pushes back on its peer. */
#define CAP_WAN_RXBUF 5840u
/* SYNs counted per (source, port) pair for the scan summary: one entry
 * each, the oldest replaced when full; a summary event is written every
 * CAP_WAN_SCAN_MS with what changed. */
#define CAP_WAN_SCAN_ENTRIES 256
#define CAP_WAN_SCAN_MS (60u * 1000u)
/* Open TCP ports a persona may list (`list ports`): the devices have 3-6;
 * each one without a door is a listening pcb of the WAN stack. */
#define CAP_PERSONA_PORTS 16
/* The first-bytes catch-all on a persona's port without a door: bytes kept
 * and logged per connection (a request line and a few headers, a binary
 * protocol's login packet), connections at once (past it a SYN-ACK'd
 * connection is reset, as a full accept queue would), and how long one may
 * stay: the first bytes, then CAP_WAN_CATCH_QUIET_MS of quiet or
 * CAP_WAN_CATCH_MS in all, then it is closed (FIN) as a server that did not
 * understand the request. */
#define CAP_WAN_CATCH_BYTES 512u
#define CAP_WAN_CATCH_CONNS 64
#define CAP_WAN_CATCH_QUIET_MS 2000u
#define CAP_WAN_CATCH_MS 10000u

/* --- time (net/sntp.h) ---
 * SNTP servers a `config time` section may list (tried in turn), and how
 * far an SNTP answer may differ from the hub's Date once the hub has set
 * the time (the hub's header has whole seconds and the request's round
 * trip; an NTP server on the WAN is not authenticated, the hub is). */
#define CAP_TIME_SERVERS 4
#define CAP_TIME_HUB_TOLERANCE_S 10

#endif
