/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container's filesystem: rootfs_prepare() builds it below the rootfs
 * while the host's tree is still visible, rootfs_pivot() makes it "/", and
 * rootfs_finalize() hides and write-protects what the config asks for, then
 * applies what is left of rootfsPropagation.
 *
 * rootfs_finalize() runs after the pivot, possibly without /proc, so it uses
 * the mount API calls that need no "/proc/self/fd" path: open_tree(),
 * fsmount(), move_mount(), mount_setattr().
 */
#include "rootfs.h"
#include "lsm.h"
#include "devices.h"
#include "mounts.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* What runc's default spec mounts on /dev, for configs that mount nothing
 * there: devices are then created in a tmpfs, never in the image. */
static const struct spec_mount default_dev_mount = {
	.destination = "/dev",
	.source = "tmpfs",
	.type = "tmpfs",
	.flags = MS_NOSUID | MS_STRICTATIME,
	.data = (char *)"mode=755,size=65536k",
};

static bool mountinfo_line_shared(char *line, uint64_t mnt_id)
{
	unsigned long long id;
	char *end;
	int off = -1;

	/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - TYPE ..." */
	if (sscanf(line, "%llu %*u %*s %*s %*s %*s%n", &id, &off) < 1 || off < 0 || id != mnt_id)
		return false;
	end = strstr(line + off, " - ");
	if (end)
		*end = '\0';
	return strstr(line + off, " shared:") != NULL;
}

static int mount_is_shared(uint64_t mnt_id, bool *shared, berr_t *err)
{
	_cleanup_free_ char *buf = NULL;
	char *line, *next;

	if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", 64 << 20, &buf, NULL, err) < 0)
		return -1;
	*shared = false;
	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (mountinfo_line_shared(line, mnt_id)) {
			*shared = true;
			break;
		}
	}
	return 0;
}

/* O_PATH fd of the root of the mount holding path: walk ".." up to it. */
static int open_mount_root(const char *path, struct statx *stx, berr_t *err)
{
	_cleanup_close_ int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return berr_errno(err, "open %s", path);
	if (statx(fd, "", AT_EMPTY_PATH, STATX_INO | STATX_MNT_ID, stx) < 0)
		return berr_errno(err, "statx %s", path);
	while (!(stx->stx_attributes & STATX_ATTR_MOUNT_ROOT)) {
		uint64_t ino = stx->stx_ino;
		int up = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (up < 0)
			return berr_errno(err, "open %s/..", path);
		closep(&fd);
		fd = up;
		if (statx(fd, "", AT_EMPTY_PATH, STATX_INO | STATX_MNT_ID, stx) < 0)
			return berr_errno(err, "statx %s/..", path);
		/* ".." of a chroot that is no mount root is itself: stop there */
		if (stx->stx_ino == ino)
			break;
	}
	return steal_fd(fd);
}

/*
 * pivot_root(2) and MS_MOVE refuse a rootfs whose parent mount is shared,
 * and a shared parent would also send the rootfs bind below to its peers,
 * possibly the host.  Make just that one mount private, as runc does; or a
 * slave, for rootfsPropagation "slave": that is meant for the rootfs, and
 * a private parent would leave the rootfs bind with no master to follow.
 */
static int make_parent_unshared(const char *rootfs, bool slave, berr_t *err)
{
	_cleanup_close_ int fd = -1;
	char path[PROCFD_LEN];
	struct statx stx;
	bool shared;

	fd = open_mount_root(rootfs, &stx, err);
	if (fd < 0)
		return fd;
	if (mount_is_shared(stx.stx_mnt_id, &shared, err) < 0)
		return -1;
	if (!shared)
		return 0;
	procfd_path(path, fd);
	if (mount(NULL, path, NULL, slave ? MS_SLAVE : MS_PRIVATE, NULL) < 0)
		return berr_errno(err, "make the mount holding %s %s", rootfs,
				  slave ? "a slave" : "private");
	return 0;
}

/*
 * No mount namespace in the config: the container shares the host's.  Then
 * nothing but our own bind of the rootfs is touched: it is made private (so
 * nothing under it propagates to the host's peers), everything is mounted
 * below it, chroot(2) replaces pivot_root(2), and delete detaches it.
 */
static bool in_host_mount_ns(const struct spec *s)
{
	return !s->linux.ns[SPEC_NS_MNT].present;
}

static int prepare_host_root_mount(const char *rootfs, berr_t *err)
{
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return berr_errno(err, "bind %s onto itself", rootfs);
	if (mount(NULL, rootfs, NULL, MS_PRIVATE | MS_REC, NULL) < 0) {
		int ret = berr_errno(err, "make %s private", rootfs);

		umount2(rootfs, MNT_DETACH);
		return ret;
	}
	return 0;
}

static int prepare_root_mount(const struct spec *s, const char *rootfs, berr_t *err)
{
	unsigned long prop = s->linux.rootfs_propagation;

	if (in_host_mount_ns(s))
		return prepare_host_root_mount(rootfs, err);

	/*
	 * Default: see the host's mounts come and go, never send ours back.
	 * Unbindable waits for rootfs_finalize() (apply_root_propagation()):
	 * an unbindable "/" would make the bind below fail.
	 */
	if (!prop || (prop & MS_UNBINDABLE))
		prop = MS_SLAVE | MS_REC;
	if (set_propagation("/", prop, err) < 0)
		return berr_prefix(err, "rootfsPropagation /");
	if (make_parent_unshared(rootfs, prop == MS_SLAVE, err) < 0)
		return -1;
	/* a mount point of its own, which pivot_root(2) needs */
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return berr_errno(err, "bind %s onto itself", rootfs);
	return 0;
}

/* The last mount on /dev decides what /dev is. */
static const struct spec_mount *find_dev_mount(const struct spec *s)
{
	const struct spec_mount *dev = NULL;

	for (size_t i = 0; i < s->n_mounts; i++)
		if (path_is(s->mounts[i].destination, "/dev"))
			dev = &s->mounts[i];
	return dev;
}

/*
 * Devices and symlinks only go into a /dev that starts empty.  A bind of the
 * host's /dev has them already, and creating any there (or in devtmpfs, whose
 * one instance is the host's /dev) would create it on the host.
 */
static bool dev_is_fresh(const struct spec_mount *dev)
{
	if (!dev)
		return true; /* default_dev_mount */
	return !dev->bind && dev->type && (!strcmp(dev->type, "tmpfs") || !strcmp(dev->type, "ramfs"));
}

/* linux.mountLabel: context="LABEL" in the data of the mounts that take it */
static int mount_labelled(int root_fd, const struct spec_mount *m, const char *label, berr_t *err)
{
	struct spec_mount copy = *m;
	int ret;

	if (!label)
		return mount_entry(root_fd, m, err);
	copy.data = lsm_mount_label_data(m->data, label, m->type);
	if (!copy.data && m->data)
		return berr_set(err, ENOMEM, "mount label");
	ret = mount_entry(root_fd, &copy, err);
	free(copy.data);
	return ret;
}

static bool is_cgroup_mount(const struct spec_mount *m)
{
	return !m->bind && spec_mount_is_cgroup(m);
}

bool rootfs_has_cgroup_mount(const struct spec *s)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (is_cgroup_mount(&s->mounts[i]))
			return true;
	return false;
}

/*
 * A cgroup mount waits for the init's cgroup move (cgroup_cb).  Unless a
 * later mount goes inside it or over it, it is made after every other mount,
 * so that they all overlap the move.
 */
static bool cgroup_mount_deferred(const struct spec *s, size_t i)
{
	if (!is_cgroup_mount(&s->mounts[i]))
		return false;
	for (size_t j = i + 1; j < s->n_mounts; j++)
		if (!s->mounts[j].destination ||
		    path_within(s->mounts[j].destination, s->mounts[i].destination) ||
		    path_within(s->mounts[i].destination, s->mounts[j].destination) ||
		    strstr(s->mounts[j].destination, ".."))
			return false;
	return true;
}

static int mount_one(int root_fd, const struct spec *s, size_t i, berr_t *err)
{
	const struct spec_mount *m = &s->mounts[i];

	if (mount_labelled(root_fd, m, s->linux.mount_label, err) < 0)
		return berr_prefix(err, "mounts[%zu] %s", i, m->destination);
	return 0;
}

static int mount_all(int root_fd, const struct spec *s, rootfs_cgroup_cb cgroup_cb, void *arg,
		     berr_t *err)
{
	bool deferred = false;

	for (size_t i = 0; i < s->n_mounts; i++) {
		if (cgroup_mount_deferred(s, i)) {
			deferred = true;
			continue;
		}
		if (is_cgroup_mount(&s->mounts[i]) && cgroup_cb && cgroup_cb(arg, err) < 0)
			return -1;
		if (mount_one(root_fd, s, i, err) < 0)
			return -1;
	}
	if (!deferred)
		return 0;
	if (cgroup_cb && cgroup_cb(arg, err) < 0)
		return -1;
	for (size_t i = 0; i < s->n_mounts; i++)
		if (cgroup_mount_deferred(s, i) && mount_one(root_fd, s, i, err) < 0)
			return -1;
	return 0;
}

int rootfs_prepare(const struct spec *s, const char *rootfs, rootfs_cgroup_cb cgroup_cb,
		   void *arg, berr_t *err)
{
	const struct spec_mount *dev = find_dev_mount(s);
	_cleanup_close_ int root_fd = -1;

	if (prepare_root_mount(s, rootfs, err) < 0)
		return -1;
	/* opened after the self-bind: names the new mount, not the directory */
	root_fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return berr_errno(err, "open %s", rootfs);
	if (!dev && mount_entry(root_fd, &default_dev_mount, err) < 0)
		return berr_prefix(err, "default /dev");
	if (mount_all(root_fd, s, cgroup_cb, arg, err) < 0)
		return -1;
	if (!dev_is_fresh(dev))
		return 0;
	return devices_setup(root_fd, s, in_user_namespace(), err);
}

/* pivot_root(".", ".") stacks the old root on the new one; detaching it then
 * needs no directory for it (the runc trick). */
static int pivot_to(const char *rootfs, berr_t *err)
{
	_cleanup_close_ int old_root = -1, new_root = -1;

	old_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (old_root < 0)
		return berr_errno(err, "open /");
	new_root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (new_root < 0)
		return berr_errno(err, "open %s", rootfs);
	if (fchdir(new_root) < 0)
		return berr_errno(err, "chdir %s", rootfs);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return berr_errno(err, "pivot_root %s", rootfs);
	if (fchdir(old_root) < 0)
		return berr_errno(err, "chdir to the old root");
	/* rslave first, so the unmounts below never propagate to the host */
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return berr_errno(err, "make the old root rslave");
	if (umount2(".", MNT_DETACH) < 0)
		return berr_errno(err, "detach the old root");
	if (chdir("/") < 0)
		return berr_errno(err, "chdir /");
	return 0;
}

/* --no-pivot: move the rootfs over "/" and chroot into it.  The host's
 * mounts stay in this namespace, out of sight but not out of reach of a
 * process able to escape a chroot. */
static int move_to(const char *rootfs, berr_t *err)
{
	_cleanup_close_ int new_root = -1;

	new_root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (new_root < 0)
		return berr_errno(err, "open %s", rootfs);
	if (fchdir(new_root) < 0)
		return berr_errno(err, "chdir %s", rootfs);
	/* A shared "/" would propagate the move to its peers, possibly the
	 * host's "/".  EINVAL: "/" is no mount point (we are chrooted). */
	if (mount(NULL, "/", NULL, MS_PRIVATE, NULL) < 0 && errno != EINVAL)
		return berr_errno(err, "make / private");
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return berr_errno(err, "move %s to /", rootfs);
	if (chroot(".") < 0)
		return berr_errno(err, "chroot %s", rootfs);
	if (chdir("/") < 0)
		return berr_errno(err, "chdir /");
	return 0;
}

static int chroot_to(const char *rootfs, berr_t *err)
{
	if (chroot(rootfs) < 0)
		return berr_errno(err, "chroot %s", rootfs);
	if (chdir("/") < 0)
		return berr_errno(err, "chdir /");
	return 0;
}

int rootfs_pivot(const struct spec *s, const char *rootfs, bool no_pivot, berr_t *err)
{
	if (in_host_mount_ns(s))
		return chroot_to(rootfs, err);
	return no_pivot ? move_to(rootfs, err) : pivot_to(rootfs, err);
}

int rootfs_release_host(const struct spec *s, const char *rootfs)
{
	if (!in_host_mount_ns(s) || !rootfs || !*rootfs)
		return 0;
	/* only ours: the topmost mount on rootfs, with all we mounted below it */
	return umount2(rootfs, MNT_DETACH | UMOUNT_NOFOLLOW);
}

/* The node to bind over masked files, checked: a symlink or another device
 * planted at /dev/null must not be what gets exposed (CVE-2025-31133). */
static int open_dev_null(berr_t *err)
{
	_cleanup_close_ int fd = open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return berr_errno(err, "open /dev/null");
	if (fstat(fd, &st) < 0)
		return berr_errno(err, "stat /dev/null");
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return berr_set(err, ENODEV, "/dev/null is not the null device");
	return steal_fd(fd);
}

/* An empty read-only tmpfs over a masked directory. */
static int mask_dir(int target, berr_t *err)
{
	_cleanup_close_ int fs = -1, mnt = -1;

	fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return berr_errno(err, "open tmpfs");
	if (fsconfig(fs, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return berr_errno(err, "create tmpfs");
	mnt = fsmount(fs, FSMOUNT_CLOEXEC,
		      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (mnt < 0)
		return berr_errno(err, "mount tmpfs");
	if (attach_tree(mnt, target) < 0)
		return berr_errno(err, "mount tmpfs");
	return 0;
}

static int mask_file(int target, int *null_fd, berr_t *err)
{
	_cleanup_close_ int tree = -1;

	if (*null_fd < 0 && (*null_fd = open_dev_null(err)) < 0)
		return -1;
	tree = clone_tree(*null_fd, "", false);
	if (tree < 0 || attach_tree(tree, target) < 0)
		return berr_errno(err, "bind /dev/null");
	return 0;
}

static int mask_path(const char *path, int *null_fd, berr_t *err)
{
	_cleanup_close_ int fd = open(path, O_PATH | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return errno == ENOENT ? 0 : berr_errno(err, "open");
	if (fstat(fd, &st) < 0)
		return berr_errno(err, "stat");
	return S_ISDIR(st.st_mode) ? mask_dir(fd, err) : mask_file(fd, null_fd, err);
}

/*
 * A read-only copy of the tree at path, mounted over it.  mount_setattr()
 * only adds ro, so nosuid/nodev/noexec/atime stay as they were (and locked
 * flags are never touched); it also covers submounts, e.g. binfmt_misc
 * below /proc/sys, which a plain remount would leave writable.
 */
static int make_path_readonly(const char *path, berr_t *err)
{
	_cleanup_close_ int fd = open(path, O_PATH | O_CLOEXEC), tree = -1;

	if (fd < 0)
		return errno == ENOENT ? 0 : berr_errno(err, "open");
	tree = clone_tree(fd, "", true);
	if (tree < 0)
		return berr_errno(err, "bind");
	if (setattr_tree(tree, MOUNT_ATTR_RDONLY, 0, true) < 0)
		return berr_errno(err, "make read-only");
	if (attach_tree(tree, fd) < 0)
		return berr_errno(err, "bind");
	return 0;
}

/* Only "/" itself, as runc: /proc, /dev, volumes keep their own flags. */
static int make_root_readonly(berr_t *err)
{
	_cleanup_close_ int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return berr_errno(err, "open /");
	if (setattr_tree(fd, MOUNT_ATTR_RDONLY, 0, false) < 0)
		return berr_errno(err, "remount / read-only");
	return 0;
}

/*
 * rootfsPropagation shared and unbindable are applied to the new "/" only at
 * the very end (runc does it after pivot_root): before the pivot the rootfs
 * would be shared with the host's mount holding it, and before the masking
 * binds above an unbindable /dev or /proc could not be their source.  A
 * recursive one overrides the propagation of single mounts: apply theirs
 * again, the more specific setting wins.
 */
static int apply_root_propagation(const struct spec *s, berr_t *err)
{
	unsigned long prop = s->linux.rootfs_propagation;

	if (!(prop & (MS_SHARED | MS_UNBINDABLE)))
		return 0;
	if (set_propagation("/", prop, err) < 0)
		return berr_prefix(err, "rootfsPropagation /");
	if (!(prop & MS_REC))
		return 0;
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];

		if (m->propagation && set_propagation(m->destination, m->propagation, err) < 0)
			return berr_prefix(err, "mounts[%zu] %s", i, m->destination);
	}
	return 0;
}

int rootfs_finalize(const struct spec *s, berr_t *err)
{
	_cleanup_close_ int null_fd = -1;
	char **p;

	for (p = s->linux.masked_paths; p && *p; p++)
		if (mask_path(*p, &null_fd, err) < 0)
			return berr_prefix(err, "maskedPaths %s", *p);
	for (p = s->linux.readonly_paths; p && *p; p++)
		if (make_path_readonly(*p, err) < 0)
			return berr_prefix(err, "readonlyPaths %s", *p);
	if (s->root_readonly && make_root_readonly(err) < 0)
		return berr_prefix(err, "root.readonly");
	return apply_root_propagation(s, err);
}
