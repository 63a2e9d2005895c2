/* caprun USER CAP[,CAP…] PROG [ARG…] — the image's stand-in for what
 * OpenWrt's procd does with /etc/capabilities/tanuki.json: run PROG as the
 * unprivileged USER holding only the capabilities named (ambient, so they
 * survive the exec of a program without file capabilities), with every
 * other capability out of the bounding set and no_new_privs set.
 *
 * BusyBox's setuidgid drops every capability with the uid, and its
 * setpriv (1.35) cannot change the uid; the initramfs cannot carry file
 * capabilities (no xattrs in cpio). The decoy's WAN side needs CAP_NET_RAW
 * for its AF_PACKET socket on the WAN port (docs/wan.md).
 *
 * Not part of the decoy: this runs at boot from /usr/lib/tanuki/run, as
 * root, on arguments from the image's own files. */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#endif
#ifndef PR_SET_NO_NEW_PRIVS
#define PR_SET_NO_NEW_PRIVS 38
#endif

static const struct {
	const char *name;
	int cap;
} caps[] = {
    {"net_bind_service", CAP_NET_BIND_SERVICE},
    {"net_raw", CAP_NET_RAW},
};

static int die(const char *what)
{
	fprintf(stderr, "caprun: %s: %s\n", what, strerror(errno));
	return 1;
}

/* "net_raw,net_bind_service" -> a mask; -1 on an unknown name */
static int parse_caps(const char *s, uint64_t *mask)
{
	*mask = 0;
	while (*s) {
		size_t n = strcspn(s, ","), i;

		for (i = 0; i < sizeof caps / sizeof caps[0]; i++)
			if (strlen(caps[i].name) == n && !strncmp(s, caps[i].name, n))
				break;
		if (i == sizeof caps / sizeof caps[0])
			return -1;
		*mask |= (uint64_t)1 << caps[i].cap;
		s += n + (s[n] == ',');
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];
	struct passwd *pw;
	uint64_t mask;
	gid_t gid;
	int c;

	if (argc < 4 || parse_caps(argv[2], &mask)) {
		fprintf(stderr, "usage: caprun USER CAP[,CAP...] PROG [ARG...]\n"
				"  CAP: net_bind_service, net_raw\n");
		return 2;
	}
	pw = getpwnam(argv[1]);
	if (!pw || !pw->pw_uid) {
		fprintf(stderr, "caprun: %s: no such unprivileged user\n", argv[1]);
		return 1;
	}
	gid = pw->pw_gid;
	/* the bounding set: only the named capabilities, ever (EINVAL past
	 * the kernel's last capability) */
	for (c = 0; c < 64; c++)
		if (!(mask >> c & 1) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) && errno != EINVAL)
			return die("PR_CAPBSET_DROP");
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		return die("PR_SET_KEEPCAPS");
	if (setgroups(1, &gid) || setresgid(gid, gid, gid) ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid))
		return die("set user");
	memset(data, 0, sizeof data);
	data[0].effective = data[0].permitted = data[0].inheritable = (uint32_t)mask;
	data[1].effective = data[1].permitted = data[1].inheritable = (uint32_t)(mask >> 32);
	if (syscall(SYS_capset, &hdr, data))
		return die("capset");
	for (c = 0; c < 64; c++)
		if ((mask >> c & 1) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0))
			return die("PR_CAP_AMBIENT_RAISE");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return die("PR_SET_NO_NEW_PRIVS");
	execv(argv[3], argv + 3);
	die(argv[3]);
	return 127;
}
