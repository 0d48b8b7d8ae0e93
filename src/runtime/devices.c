/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device nodes and symlinks of the container's /dev.  Every path is resolved
 * below the rootfs fd (see mounts.h); a node is created in the directory fd
 * of its parent, so its last component is never a followed symlink either.
 */
#include "devices.h"
#include "mounts.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct dev_node {
	const char *path;         /* inside the container; the same path on the host */
	char type;                /* 'c', 'u', 'b' or 'p' */
	unsigned int major, minor;
	mode_t mode;              /* permission bits */
	uid_t uid;
	gid_t gid;
	bool strict;              /* linux.devices: an existing other file is an error */
};

static const struct dev_node default_devices[] = {
	{ "/dev/null", 'c', 1, 3, 0666, 0, 0, false },
	{ "/dev/zero", 'c', 1, 5, 0666, 0, 0, false },
	{ "/dev/full", 'c', 1, 7, 0666, 0, 0, false },
	{ "/dev/random", 'c', 1, 8, 0666, 0, 0, false },
	{ "/dev/urandom", 'c', 1, 9, 0666, 0, 0, false },
	{ "/dev/tty", 'c', 5, 0, 0666, 0, 0, false },
};

static const struct {
	const char *target, *name;
} dev_symlinks[] = {
	{ "/proc/self/fd", "fd" },
	{ "/proc/self/fd/0", "stdin" },
	{ "/proc/self/fd/1", "stdout" },
	{ "/proc/self/fd/2", "stderr" },
};

static mode_t node_type(char type)
{
	switch (type) {
	case 'b':
		return S_IFBLK;
	case 'p':
		return S_IFIFO;
	default:
		return S_IFCHR; /* 'c' and 'u' (unbuffered) are the same node */
	}
}

static int mknod_device(int dir, const char *name, const struct dev_node *d, berr_t *err)
{
	dev_t dev = d->type == 'p' ? 0 : makedev(d->major, d->minor);

	/* Already there (listed twice, or a default also in linux.devices):
	 * the first one wins.  But the spec: a linux.devices path holding
	 * anything else MUST fail, not be silently kept. */
	if (mknodat(dir, name, node_type(d->type) | d->mode, dev) < 0) {
		struct stat st;

		if (errno != EEXIST)
			return berr_errno(err, "mknod");
		if (!d->strict)
			return 0;
		if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    (st.st_mode & S_IFMT) == node_type(d->type) && (d->type == 'p' || st.st_rdev == dev))
			return 0;
		return berr_fail(err, "exists and is not a %c %u:%u device", d->type, d->major,
				 d->minor);
	}
	if (fchownat(dir, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return berr_errno(err, "chown %u:%u", d->uid, d->gid);
	/* mknod(2) applied the umask; the config's mode must be exact */
	if (fchmodat(dir, name, d->mode, 0) < 0)
		return berr_errno(err, "chmod %04o", d->mode);
	return 0;
}

/* The host's node must be the device the config describes. */
static int check_host_node(int fd, const struct dev_node *d, berr_t *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return berr_errno(err, "stat host %s", d->path);
	if ((st.st_mode & S_IFMT) != node_type(d->type) || major(st.st_rdev) != d->major ||
	    minor(st.st_rdev) != d->minor)
		return berr_set(err, ENODEV, "host %s is not device %c %u:%u", d->path, d->type,
				d->major, d->minor);
	return 0;
}

/* Bind the host's node onto an empty file: mode and owner are the host's. */
static int bind_device(int dir, const char *name, const struct dev_node *d, berr_t *err)
{
	_cleanup_close_ int tree = -1, target = -1;

	if (mknodat(dir, name, S_IFREG | 0644, 0) < 0)
		return errno == EEXIST ? 0 : berr_errno(err, "create mount point");
	target = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0)
		return berr_errno(err, "open");
	tree = clone_tree(AT_FDCWD, d->path, false);
	if (tree < 0)
		return berr_errno(err, "bind host %s", d->path);
	if (check_host_node(tree, d, err) < 0)
		return -1;
	if (attach_tree(tree, target) < 0)
		return berr_errno(err, "bind host %s", d->path);
	return 0;
}

static int create_device(int root_fd, const struct dev_node *d, bool bind_nodes, berr_t *err)
{
	_cleanup_close_ int dir = -1;
	char name[NAME_MAX + 1];
	int ret;

	dir = mkparent_in_root(root_fd, d->path, name, err);
	if (dir < 0)
		return berr_prefix(err, "device %s", d->path);
	/* a fifo needs no privilege: always a real one */
	if (bind_nodes && d->type != 'p')
		ret = bind_device(dir, name, d, err);
	else
		ret = mknod_device(dir, name, d, err);
	return ret < 0 ? berr_prefix(err, "device %s", d->path) : 0;
}

static int create_config_devices(int root_fd, const struct spec *s, bool bind_nodes, berr_t *err)
{
	for (size_t i = 0; i < s->linux.n_devices; i++) {
		const struct spec_device *sd = &s->linux.devices[i];
		struct dev_node d = {
			.path = sd->path,
			.type = sd->type,
			.major = (unsigned int)sd->major,
			.minor = (unsigned int)sd->minor,
			.mode = sd->has_file_mode ? sd->file_mode & 07777 : 0666,
			.uid = sd->has_uid ? sd->uid : 0,
			.gid = sd->has_gid ? sd->gid : 0,
			.strict = true,
		};

		if (create_device(root_fd, &d, bind_nodes, err) < 0)
			return berr_prefix(err, "linux.devices[%zu]", i);
	}
	return 0;
}

static int symlink_in_dev(int dev, const char *target, const char *name, berr_t *err)
{
	/* something already there (a bind mount, a device) is kept */
	if (symlinkat(target, dev, name) < 0 && errno != EEXIST)
		return berr_errno(err, "symlink /dev/%s", name);
	return 0;
}

static int create_dev_symlinks(int root_fd, berr_t *err)
{
	_cleanup_close_ int dev = -1;
	struct stat st;

	dev = openat_in_root(root_fd, "/dev", O_PATH | O_DIRECTORY, 0);
	if (dev < 0)
		return berr_errno(err, "open /dev");
	for (size_t i = 0; i < ARRAY_SIZE(dev_symlinks); i++)
		if (symlink_in_dev(dev, dev_symlinks[i].target, dev_symlinks[i].name, err) < 0)
			return -1;
	/* the ptmx of the container's own devpts instance */
	if (fstatat(dev, "pts", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) &&
	    symlink_in_dev(dev, "pts/ptmx", "ptmx", err) < 0)
		return -1;
	/* runc links core to kcore where the kernel has one */
	if (access("/proc/kcore", F_OK) == 0 && symlink_in_dev(dev, "/proc/kcore", "core", err) < 0)
		return -1;
	return 0;
}

int devices_setup(int root_fd, const struct spec *s, bool bind_nodes, berr_t *err)
{
	/* the config's devices first: their mode and owner win over the defaults */
	if (create_config_devices(root_fd, s, bind_nodes, err) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++)
		if (create_device(root_fd, &default_devices[i], bind_nodes, err) < 0)
			return -1;
	return create_dev_symlinks(root_fd, err);
}
