/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --network none: a network namespace of its own with the loopback up, as
 * podman makes it (the runtime would make one with lo down).  We make it
 * ourselves: unshare, bring lo up, bind the namespace to a file that the
 * config names as linux.namespaces[network].path, and step back into ours.
 */
#include "engine.h"
#include "../util/cleanup.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

static int loopback_up(berr_t *err)
{
	_cleanup_close_ int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = { .ifr_name = "lo" };

	if (sock < 0)
		return berr_errno(err, "loopback: socket");
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
		return berr_errno(err, "loopback: get flags");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
		return berr_errno(err, "loopback: up");
	return 0;
}

int netns_create(const char *path, berr_t *err)
{
	_cleanup_close_ int orig = -1, file = -1;
	int ret = 0;

	file = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	if (file < 0)
		return berr_errno(err, "network namespace: create %s", path);
	orig = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (orig < 0)
		return berr_errno(err, "network namespace: open ours");
	if (unshare(CLONE_NEWNET) < 0)
		return berr_errno(err, "network namespace: unshare");
	ret = loopback_up(err);
	if (ret == 0 && mount("/proc/thread-self/ns/net", path, NULL, MS_BIND, NULL) < 0)
		ret = berr_errno(err, "network namespace: bind to %s", path);
	/* back home: a failure here would leave berth itself in the wrong namespace */
	if (setns(orig, CLONE_NEWNET) < 0)
		ret = berr_errno(err, "network namespace: return to ours");
	return ret;
}

int netns_remove(const char *path, berr_t *err)
{
	if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT)
		return berr_errno(err, "unmount %s", path);
	if (unlink(path) < 0 && errno != ENOENT)
		return berr_errno(err, "remove %s", path);
	return 0;
}
