/* localoptions.h — tanuki's dropbear: the owner's door to the router, for
 * a shell and for `scp` of the capture store. Key logins only.
 * Overrides dropbear's default_options.h (copied into the source tree by
 * mk/firmware.mk before configure). */

/* No passwords at all: the decoy next door collects attackers' passwords;
 * the owner's own door must not be guessable. Public keys only. */
#define DROPBEAR_SVR_PASSWORD_AUTH 0
#define DROPBEAR_SVR_PAM_AUTH 0
#define DROPBEAR_SVR_PUBKEY_AUTH 1
#define DROPBEAR_SVR_PUBKEY_OPTIONS 1

/* Nothing but a session: no forwarding of any kind from the router. */
#define DROPBEAR_X11FWD 0
#define DROPBEAR_SVR_LOCALTCPFWD 0
#define DROPBEAR_SVR_REMOTETCPFWD 0
#define DROPBEAR_SVR_AGENTFWD 0

/* Host key: ed25519 (small, fast on a 400 MHz MIPS), created at first
 * start (-R) and kept on flash (/etc/dropbear links to the overlay).
 * ECDSA/RSA stay on for older clients; DSS stays off. */
#define DROPBEAR_ED25519 1
#define DROPBEAR_DSS 0
#define DROPBEAR_SK_KEYS 0

/* No sftp-server on the image: captures leave with the legacy scp
 * protocol (`scp -O`), which runs the `scp` built alongside dropbear. */
#define DROPBEAR_SFTPSERVER 0

#define DO_MOTD 0
#define DROPBEAR_SMALL_CODE 1
#define MAX_UNAUTH_PER_IP 3
#define DEFAULT_PATH "/usr/bin:/bin:/usr/sbin:/sbin"
