/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sysctl.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* IPC sysctls outside fs.mqueue.* that belong to the ipc namespace. */
static const char *const ipc_sysctls[] = {
	"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_ipc_sysctl(const char *key)
{
	if (starts_with(key, "fs.mqueue."))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(ipc_sysctls); i++)
		if (strcmp(key, ipc_sysctls[i]) == 0)
			return true;
	return false;
}

/*
 * Only sysctls that live in a namespace the container has its own copy of
 * may be set: anything else would change the host.  The same list as runc.
 */
static int check_namespaced(const struct spec *s, const char *key, berr_t *err)
{
	enum spec_ns ns;

	if (is_ipc_sysctl(key))
		ns = SPEC_NS_IPC;
	else if (starts_with(key, "net."))
		ns = SPEC_NS_NET;
	else if (!strcmp(key, "kernel.domainname") || !strcmp(key, "kernel.hostname"))
		ns = SPEC_NS_UTS;
	else
		return berr_fail(err, "linux.sysctl: \"%s\" is not namespaced", key);
	if (!s->linux.ns[ns].present)
		return berr_fail(err, "linux.sysctl: \"%s\" is not allowed in the host's %s namespace",
				 key, spec_ns_name(ns));
	return 0;
}

/* "net.ipv4.ip_forward" -> "net/ipv4/ip_forward"; no empty components. */
static int key_to_path(const char *key, char *out, size_t size, berr_t *err)
{
	size_t len = strlen(key);

	if (len == 0 || len >= size)
		return berr_fail(err, "linux.sysctl: \"%s\": invalid key", key);
	for (size_t i = 0; i <= len; i++)
		out[i] = key[i] == '.' ? '/' : key[i];
	/* With every '.' a separator no component can be "..", but an empty
	 * one ("net..x", "/net") means a malformed key: refuse it. */
	if (out[0] == '/' || out[len - 1] == '/' || strstr(out, "//"))
		return berr_fail(err, "linux.sysctl: \"%s\": invalid key", key);
	return 0;
}

/* Open below /proc/sys only: no symlinks, no "..", no other mount. */
static int open_beneath(int dirfd, const char *path)
{
	struct open_how how = {
		.flags = O_WRONLY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
			   RESOLVE_NO_XDEV,
	};
	int fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));

	/* kernels before 5.6: the key was already checked for ".." */
	if (fd < 0 && errno == ENOSYS)
		fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	return fd;
}

static int write_sysctl(int dirfd, const struct spec_sysctl *sc, berr_t *err)
{
	_cleanup_close_ int fd = -1;
	char path[PATH_MAX];

	if (key_to_path(sc->key, path, sizeof(path), err) < 0)
		return -1;
	fd = open_beneath(dirfd, path);
	if (fd < 0)
		return berr_errno(err, "linux.sysctl: open /proc/sys/%s", path);
	if (write_all(fd, sc->value, strlen(sc->value)) < 0)
		return berr_errno(err, "linux.sysctl: write \"%s\" to /proc/sys/%s", sc->value,
				  path);
	return 0;
}

int sysctl_apply(const struct spec *s, berr_t *err)
{
	_cleanup_close_ int dirfd = -1;

	if (s->linux.n_sysctl == 0)
		return 0;
	/* Check them all first: refuse the config before changing anything. */
	for (size_t i = 0; i < s->linux.n_sysctl; i++)
		if (check_namespaced(s, s->linux.sysctl[i].key, err) < 0)
			return -1;
	dirfd = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return berr_errno(err, "linux.sysctl: open /proc/sys");
	for (size_t i = 0; i < s->linux.n_sysctl; i++)
		if (write_sysctl(dirfd, &s->linux.sysctl[i], err) < 0)
			return -1;
	return 0;
}
