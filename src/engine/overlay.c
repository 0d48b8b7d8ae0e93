/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container's rootfs: overlayfs with the image's layers as lower
 * directories (top layer first) and the container's upper/work.
 *
 * The classic mount(2) data string is limited to one page, about 45 layer
 * paths of the store; deep images are mounted with the new mount API,
 * one "lowerdir+" per layer (Linux 6.8+).  Older kernels take the string
 * when it fits.  The mount is made private so that nothing mounted on it
 * later propagates to or from the host's peers.
 */
#include "engine.h"
#include "../util/cleanup.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

/* The kernel's explanation of a failed fsconfig, from the fs context log. */
static void fs_log_message(int fs, char *buf, size_t len)
{
	ssize_t n;

	buf[0] = '\0';
	n = read(fs, buf, len - 1);
	if (n <= 2)
		return;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	memmove(buf, buf + 2, (size_t)n - 1); /* "e overlay: ..." */
}

static int fail_fs(int fs, berr_t *err, const char *what)
{
	int saved = errno;
	char msg[256];

	fs_log_message(fs, msg, sizeof(msg));
	if (*msg)
		return berr_set(err, saved, "overlay %s: %s", what, msg);
	return berr_set(err, saved, "overlay %s", what);
}

/* 0 mounted; 1 this kernel lacks the API or "lowerdir+"; < 0 failed. */
static int mount_new_api(char *const *layers, size_t n, const char *upper, const char *work,
			 bool scratch, const char *target, berr_t *err)
{
	_cleanup_close_ int fs = -1, mnt = -1;
	struct mount_attr attr = { .propagation = MS_PRIVATE };

	fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		return errno == ENOSYS ? 1 : berr_errno(err, "overlay: fsopen");
	for (size_t i = n; i-- > 0;) {
		if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", layers[i], 0) == 0)
			continue;
		if (errno == EINVAL && i == n - 1)
			return 1; /* before 6.8: unknown parameter */
		return fail_fs(fs, err, "lower layer");
	}
	if (fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0)
		return fail_fs(fs, err, "upperdir");
	if (fsconfig(fs, FSCONFIG_SET_STRING, "workdir", work, 0) < 0)
		return fail_fs(fs, err, "workdir");
	/* a kernel before 5.10 does not know it: then the unmount just syncs */
	if (scratch)
		fsconfig(fs, FSCONFIG_SET_FLAG, "volatile", NULL, 0);
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fail_fs(fs, err, "create");
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0)
		return berr_errno(err, "overlay: fsmount");
	if (move_mount(mnt, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return berr_errno(err, "overlay: mount on %s", target);
	if (mount_setattr(mnt, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
		int saved = errno;

		umount2(target, MNT_DETACH);
		return berr_set(err, saved, "overlay: make %s private", target);
	}
	return 0;
}

static int mount_classic(char *const *layers, size_t n, const char *upper, const char *work,
			 bool scratch, const char *target, berr_t *err)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t len = strlen("lowerdir=,upperdir=,workdir=,volatile") + strlen(upper) + strlen(work) + 1;
	_cleanup_free_ char *data = NULL;
	char *p;

	for (size_t i = 0; i < n; i++) {
		if (strpbrk(layers[i], ":,"))
			return berr_fail(err, "overlay: layer path %s has ':' or ','", layers[i]);
		len += strlen(layers[i]) + 1;
	}
	if (len > (size_t)page)
		return berr_set(err, E2BIG, "overlay: %zu layers do not fit in the mount options "
				"of this kernel (Linux 6.8+ mounts them one by one)", n);
	data = malloc(len);
	if (!data)
		return berr_errno(err, "overlay");
	p = stpcpy(data, "lowerdir=");
	for (size_t i = n; i-- > 0;)
		p = stpcpy(stpcpy(p, layers[i]), i ? ":" : "");
	p += sprintf(p, ",upperdir=%s,workdir=%s", upper, work);
	if (scratch) {
		strcpy(p, ",volatile");
		if (mount("overlay", target, "overlay", 0, data) == 0)
			goto mounted;
		*p = '\0';
	}
	if (mount("overlay", target, "overlay", 0, data) < 0)
		return berr_errno(err, "overlay: mount on %s", target);
mounted:
	if (mount(NULL, target, NULL, MS_PRIVATE, NULL) < 0) {
		int saved = errno;

		umount2(target, MNT_DETACH);
		return berr_set(err, saved, "overlay: make %s private", target);
	}
	return 0;
}

int overlay_mount(char *const *layers, size_t n, const char *upper, const char *work,
		  bool scratch, const char *target, berr_t *err)
{
	int ret;

	if (n == 0)
		return berr_fail(err, "overlay: the image has no layers");
	ret = mount_new_api(layers, n, upper, work, scratch, target, err);
	if (ret <= 0)
		return ret;
	return mount_classic(layers, n, upper, work, scratch, target, err);
}

int overlay_umount(const char *target, berr_t *err)
{
	if (umount2(target, UMOUNT_NOFOLLOW) == 0 || errno == EINVAL)
		return 0;
	/* busy: something (a stray process) still uses it; detach anyway */
	if (errno == EBUSY && umount2(target, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
		return 0;
	return berr_errno(err, "unmount %s", target);
}
