/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One entry of "mounts", made below the rootfs without ever resolving a path
 * outside it (see mounts.h).
 *
 * Bind mounts are open_tree(OPEN_TREE_CLONE) copies attached with
 * move_mount(): the tree fd then names the new mount itself, which is what
 * the follow-up remount, mount_setattr() and propagation change need.  Other
 * filesystems go through mount(2) onto "/proc/self/fd/N" so that the
 * options string reaches the filesystem exactly as written; the new mount is
 * then re-resolved to get a handle on it, because the fd used as the target
 * still names the directory underneath.
 */
#include "mounts.h"
#include "cgroup-internal.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#define MS_PROPAGATION (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)
#define MS_ATIME (MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)
/* Flags of the mount rather than of the superblock: what a bind remount changes. */
#define MS_PER_MOUNT (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOSYMFOLLOW | MS_ATIME)
/* Flags the kernel locks on mounts inherited by a less privileged user namespace. */
#define MS_LOCKABLE (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_ATIME)

void procfd_path(char buf[static PROCFD_LEN], int fd)
{
	snprintf(buf, PROCFD_LEN, "/proc/self/fd/%d", fd);
}

bool in_user_namespace(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/uid_map", "re");
	unsigned long inside, outside, count;

	/* The initial namespace maps all 2^32-1 ids onto themselves. */
	if (!f || fscanf(f, "%lu %lu %lu", &inside, &outside, &count) != 3)
		return false;
	return !(inside == 0 && outside == 0 && count == 4294967295UL);
}

/* Component-wise comparison; below: path may go on under want. */
static bool path_match(const char *path, const char *want, bool below)
{
	for (;;) {
		size_t a, b;

		/* skip separators and "." components on both sides */
		while (*path == '/' || (path[0] == '.' && (path[1] == '/' || !path[1])))
			path++;
		while (*want == '/' || (want[0] == '.' && (want[1] == '/' || !want[1])))
			want++;
		if (!*want)
			return !*path || below;
		if (!*path)
			return false;
		a = strcspn(path, "/");
		b = strcspn(want, "/");
		if (a != b || memcmp(path, want, a))
			return false;
		path += a;
		want += b;
	}
}

bool path_is(const char *path, const char *want)
{
	return path_match(path, want, false);
}

bool path_within(const char *path, const char *dir)
{
	/* ".." could climb out of dir: never call such a path within */
	return !strstr(path, "..") && path_match(path, dir, true);
}

/* Report a failed lookup of path, whose last component is name in dir_fd;
 * ENOENT right after creating name means name is a dangling symlink. */
static int open_failed(int dir_fd, const char *name, const char *path, berr_t *err)
{
	int saved = errno;
	struct stat st;

	if (saved == ENOENT && fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		return berr_set(err, ENOENT, "%s: dangling symlink", path);
	return berr_set(err, saved, "open %s", path);
}

/* Resolve prefix (a directory below root_fd) whose last component is name in
 * parent_fd; create it if missing.  mkdirat() never follows a symlink, and the
 * result is resolved again in the root, so a dangling link fails here. */
static int step_into_dir(int root_fd, int parent_fd, const char *prefix, const char *name,
			 berr_t *err)
{
	int fd = openat_in_root(root_fd, prefix, O_PATH | O_DIRECTORY, 0);

	if (fd < 0 && errno == ENOENT) {
		if (mkdirat(parent_fd, name, 0755) < 0 && errno != EEXIST)
			return berr_errno(err, "mkdir %s", prefix);
		fd = openat_in_root(root_fd, prefix, O_PATH | O_DIRECTORY, 0);
	}
	return fd >= 0 ? fd : open_failed(parent_fd, name, prefix, err);
}

/* mkdir -p of path below root_fd; returns an O_PATH fd of the directory. */
static int mkdir_in_root(int root_fd, char *path, berr_t *err)
{
	_cleanup_close_ int dir = -1;
	char *p = path;

	dir = openat_in_root(root_fd, path, O_PATH | O_DIRECTORY, 0);
	if (dir >= 0)
		return steal_fd(dir);
	if (errno != ENOENT)
		return berr_errno(err, "open %s", path);
	dir = openat_in_root(root_fd, "/", O_PATH | O_DIRECTORY, 0);
	if (dir < 0)
		return berr_errno(err, "open rootfs");
	while (*p) {
		char *name, saved;
		int next;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		name = p;
		p += strcspn(p, "/");
		saved = *p;
		*p = '\0';
		next = step_into_dir(root_fd, dir, path, name, err);
		*p = saved;
		if (next < 0)
			return next;
		closep(&dir);
		dir = next;
	}
	return steal_fd(dir);
}

int mkparent_in_root(int root_fd, const char *path, char name[static NAME_MAX + 1], berr_t *err)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	char *slash;
	const char *base;

	if (len >= sizeof(buf))
		return berr_set(err, ENAMETOOLONG, "%s", path);
	memcpy(buf, path, len + 1);
	while (len > 1 && buf[len - 1] == '/')
		buf[--len] = '\0';
	slash = strrchr(buf, '/');
	base = slash ? slash + 1 : buf;
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..") || strlen(base) > NAME_MAX)
		return berr_set(err, EINVAL, "%s: no file name", path);
	strcpy(name, base);
	if (!slash)
		strcpy(buf, ".");
	else if (slash == buf)
		strcpy(buf, "/");
	else
		*slash = '\0';
	return mkdir_in_root(root_fd, buf, err);
}

/*
 * Rewrite path so that no existing component is a symlink, interpreting every
 * link target inside the root (an absolute target restarts at the rootfs,
 * ".." stops at it).  A dangling link then names a path to create inside the
 * rootfs, as runc's securejoin does, instead of failing.  The result is still
 * opened with RESOLVE_IN_ROOT, so a link swapped in later cannot escape.
 */
static int canonicalize_in_root(int root_fd, const char *path, char *out, size_t outlen,
				berr_t *err)
{
	char todo[PATH_MAX], target[PATH_MAX];
	size_t olen = 0;
	int links = 0;

	if (snprintf(todo, sizeof(todo), "%s", path) >= (int)sizeof(todo))
		return berr_set(err, ENAMETOOLONG, "%s", path);
	out[0] = '\0';
	for (char *p = todo; *p;) {
		_cleanup_close_ int dir = -1;
		struct stat st;
		char *name;
		size_t n;
		ssize_t tl;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		name = p;
		n = strcspn(p, "/");
		p += n;
		if (*p)
			*p++ = '\0';
		if (!strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			while (olen > 0 && out[olen - 1] != '/')
				olen--;
			if (olen > 0)
				olen--;
			out[olen] = '\0';
			continue;
		}
		dir = openat_in_root(root_fd, olen ? out : "/", O_PATH | O_DIRECTORY, 0);
		if (dir < 0)
			return berr_errno(err, "open %s", olen ? out : "/");
		if (olen + 1 + n + 1 > outlen)
			return berr_set(err, ENAMETOOLONG, "%s", path);
		if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			/* nothing below a missing component exists: the rest goes as is */
			if (snprintf(out + olen, outlen - olen, "/%s%s%s", name, *p ? "/" : "", p) >=
			    (int)(outlen - olen))
				return berr_set(err, ENAMETOOLONG, "%s", path);
			return 0;
		}
		if (!S_ISLNK(st.st_mode)) {
			out[olen++] = '/';
			memcpy(out + olen, name, n + 1);
			olen += n;
			continue;
		}
		if (++links > 40)
			return berr_set(err, ELOOP, "%s", path);
		tl = readlinkat(dir, name, target, sizeof(target) - 1);
		if (tl < 0)
			return berr_errno(err, "readlink %s/%s", out, name);
		target[tl] = '\0';
		/* what is left of todo goes after the link's target */
		if ((size_t)tl + 1 + strlen(p) + 1 > sizeof(todo))
			return berr_set(err, ENAMETOOLONG, "%s", path);
		memmove(todo + tl + 1, p, strlen(p) + 1);
		memcpy(todo, target, (size_t)tl);
		todo[tl] = '/';
		p = todo;
		if (target[0] == '/')
			olen = 0;
		out[olen] = '\0';
	}
	if (olen == 0)
		snprintf(out, outlen, "/");
	return 0;
}

int mkpath_in_root(int root_fd, const char *path, bool is_dir, berr_t *err)
{
	_cleanup_close_ int dir = -1;
	char name[NAME_MAX + 1];
	int fd, ret;

	char canon[PATH_MAX];

	fd = openat_in_root(root_fd, path, O_PATH, 0);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT)
		return berr_errno(err, "open %s", path);
	if (canonicalize_in_root(root_fd, path, canon, sizeof(canon), err) < 0)
		return -1;
	path = canon;
	dir = mkparent_in_root(root_fd, path, name, err);
	if (dir < 0)
		return dir;
	/* Neither call follows a symlink in name; EEXIST on a dangling one
	 * makes the lookup below fail instead of creating its target. */
	if (is_dir)
		ret = mkdirat(dir, name, 0755);
	else
		ret = mknodat(dir, name, S_IFREG | 0644, 0);
	if (ret < 0 && errno != EEXIST)
		return berr_errno(err, "create %s", path);
	fd = openat_in_root(root_fd, path, O_PATH, 0);
	return fd >= 0 ? fd : open_failed(dir, name, path, err);
}

int clone_tree(int dfd, const char *path, bool recursive)
{
	unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;

	if (recursive)
		flags |= AT_RECURSIVE;
	if (!*path)
		flags |= AT_EMPTY_PATH;
	return open_tree(dfd, path, flags);
}

int attach_tree(int tree_fd, int target_fd)
{
	return move_mount(tree_fd, "", target_fd, "",
			  MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

int setattr_tree(int fd, uint64_t attr_set, uint64_t attr_clr, bool recursive)
{
	struct mount_attr attr = { .attr_set = attr_set, .attr_clr = attr_clr };

	/* The atime modes are one field: setting one needs the field cleared. */
	if (attr_set & MOUNT_ATTR__ATIME)
		attr.attr_clr |= MOUNT_ATTR__ATIME;
	return mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr,
			     sizeof(attr));
}

static const struct {
	unsigned long flag;
	const char *name;
} propagation_types[] = {
	/* in this order, so that "slave" then "shared" makes a shared slave */
	{ MS_PRIVATE, "private" },
	{ MS_SLAVE, "slave" },
	{ MS_SHARED, "shared" },
	{ MS_UNBINDABLE, "unbindable" },
};

int set_propagation(const char *path, unsigned long propagation, berr_t *err)
{
	unsigned long rec = propagation & MS_REC;

	for (size_t i = 0; i < ARRAY_SIZE(propagation_types); i++) {
		if (!(propagation & propagation_types[i].flag))
			continue;
		/* mount(2) takes one propagation type per call */
		if (mount(NULL, path, NULL, propagation_types[i].flag | rec, NULL) < 0)
			return berr_errno(err, "make %s%s", rec ? "r" : "",
					  propagation_types[i].name);
	}
	return 0;
}

static unsigned long statfs_to_ms(unsigned long st)
{
	static const struct {
		unsigned long st, ms;
	} map[] = {
		{ ST_RDONLY, MS_RDONLY },     { ST_NOSUID, MS_NOSUID },
		{ ST_NODEV, MS_NODEV },       { ST_NOEXEC, MS_NOEXEC },
		{ ST_NOATIME, MS_NOATIME },   { ST_NODIRATIME, MS_NODIRATIME },
		{ ST_RELATIME, MS_RELATIME },
	};
	unsigned long ms = 0;

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (st & map[i].st)
			ms |= map[i].ms;
	return ms;
}

static uint64_t ms_to_attr(unsigned long ms)
{
	uint64_t attr = 0;

	if (ms & MS_RDONLY)
		attr |= MOUNT_ATTR_RDONLY;
	if (ms & MS_NOSUID)
		attr |= MOUNT_ATTR_NOSUID;
	if (ms & MS_NODEV)
		attr |= MOUNT_ATTR_NODEV;
	if (ms & MS_NOEXEC)
		attr |= MOUNT_ATTR_NOEXEC;
	return attr;
}

/*
 * A bind mount starts with the flags of its source; ro, nosuid and the like
 * only apply through a remount of the new mount.  Like mount(8) and runc,
 * set exactly the requested flags.  If that fails with EPERM, the source's
 * flags are locked (it came from a more privileged user namespace): retry
 * keeping them, unless the config explicitly asked to clear one of them.
 */
static int remount_bind(int fd, const struct spec_mount *m, berr_t *err)
{
	unsigned long flags = m->flags & MS_PER_MOUNT;
	unsigned long locked;
	char path[PROCFD_LEN];
	struct statfs st;

	if (!flags && !m->clear_flags)
		return 0;
	procfd_path(path, fd);
	if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | flags, NULL) == 0)
		return 0;
	if (errno != EPERM)
		return berr_errno(err, "remount");
	if (fstatfs(fd, &st) < 0)
		return berr_errno(err, "statfs");
	locked = statfs_to_ms(st.f_flags) & MS_LOCKABLE;
	if (locked & m->clear_flags)
		return berr_set(err, EPERM, "remount: cannot clear flags locked on the source");
	if (flags & MS_ATIME)
		locked &= ~MS_ATIME;
	if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | flags | locked, NULL) < 0)
		return berr_errno(err, "remount keeping the flags locked on the source");
	return 0;
}

static int open_target(int root_fd, const struct spec_mount *m, bool is_dir, berr_t *err)
{
	int fd = mkpath_in_root(root_fd, m->destination, is_dir, err);

	return fd < 0 ? berr_prefix(err, "resolve destination") : fd;
}

static int mount_bind(int root_fd, const struct spec_mount *m, berr_t *err)
{
	_cleanup_close_ int tree = -1, target = -1;
	struct stat st;

	if (!m->source)
		return berr_fail(err, "bind mount without a source");
	/* The source is a host path: resolved normally, in the host's view. */
	tree = clone_tree(AT_FDCWD, m->source, m->flags & MS_REC);
	if (tree < 0 && errno == EINVAL && !(m->flags & MS_REC))
		return berr_set(err, EINVAL, "bind %s (submounts locked by a user namespace need rbind)",
				m->source);
	if (tree < 0)
		return berr_errno(err, "bind %s", m->source);
	if (fstat(tree, &st) < 0)
		return berr_errno(err, "stat %s", m->source);
	target = open_target(root_fd, m, S_ISDIR(st.st_mode), err);
	if (target < 0)
		return target;
	if (attach_tree(tree, target) < 0)
		return berr_errno(err, "bind %s", m->source);
	if (remount_bind(tree, m, err) < 0)
		return -1;
	return steal_fd(tree);
}

/* The fd mounted on still names the directory underneath: resolve the
 * destination again to reach the new mount, and check that it is one. */
static int reopen_mount(int root_fd, int under_fd, const struct spec_mount *m, berr_t *err)
{
	_cleanup_close_ int fd = -1;
	struct statx under, top;

	fd = openat_in_root(root_fd, m->destination, O_PATH, 0);
	if (fd < 0)
		return berr_errno(err, "open the new mount");
	if (statx(under_fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &under) < 0 ||
	    statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &top) < 0)
		return berr_errno(err, "statx");
	/* "remount" in the options changes the mount already there */
	if (m->flags & MS_REMOUNT)
		return steal_fd(fd);
	if (top.stx_mnt_id == under.stx_mnt_id || !(top.stx_attributes & STATX_ATTR_MOUNT_ROOT))
		return berr_set(err, EXDEV, "destination changed while mounting");
	return steal_fd(fd);
}

/* mount(2) of a filesystem onto target, an fd resolved below root_fd. */
static int mount_fs_at(int root_fd, int target, const struct spec_mount *m, const char *type,
		       berr_t *err)
{
	unsigned long flags = m->flags & ~(MS_PROPAGATION | MS_BIND | MS_REC);
	char path[PROCFD_LEN];

	procfd_path(path, target);
	if (mount(m->source ? m->source : type, path, type, flags, m->data) < 0)
		return berr_errno(err, "mount %s", type);
	return reopen_mount(root_fd, target, m, err);
}

static int mount_fs(int root_fd, const struct spec_mount *m, berr_t *err)
{
	_cleanup_close_ int target = open_target(root_fd, m, true, err);

	if (target < 0)
		return target;
	return mount_fs_at(root_fd, target, m, m->type, err);
}

/*
 * For filesystems this namespace may not mount itself: a recursive copy of
 * the host's tree, with the entry's ro/nosuid/nodev/noexec (plus extra)
 * applied to every mount in it before it becomes visible.
 */
static int bind_host_tree(int target, const struct spec_mount *m, const char *host_path,
			  uint64_t extra, berr_t *err)
{
	_cleanup_close_ int tree = clone_tree(AT_FDCWD, host_path, true);

	if (tree < 0)
		return berr_errno(err, "bind %s", host_path);
	if (setattr_tree(tree, ms_to_attr(m->flags) | extra, 0, true) < 0)
		return berr_errno(err, "set attributes of %s", host_path);
	if (attach_tree(tree, target) < 0)
		return berr_errno(err, "bind %s", host_path);
	return steal_fd(tree);
}

static int mount_sysfs(int root_fd, const struct spec_mount *m, berr_t *err)
{
	_cleanup_close_ int target = open_target(root_fd, m, true, err);
	int fd;

	if (target < 0)
		return target;
	fd = mount_fs_at(root_fd, target, m, "sysfs", err);
	if (fd != -EPERM)
		return fd;
	berr_free(err);
	/* sysfs belongs to the network namespace: a user namespace without a
	 * network namespace of its own may not mount it.  Bind the host's,
	 * as runc does. */
	return bind_host_tree(target, m, "/sys", 0, err);
}

/*
 * What a "cgroup" mount shows: per hierarchy, the container's own cgroup
 * directory on the host, as runc and crun do.  Captured by the init once it
 * is in its cgroup and before it unshares its cgroup namespace, inside which
 * /proc/self/cgroup says "/".  One per process: the init mounts once.
 */
struct cg_view_entry {
	char *name;   /* under the mount: the host's mount point name ("memory", "systemd") */
	char *ctrls;  /* v1 controllers ("cpu,cpuacct", "name=systemd"); "" for cgroup2 */
	char *host;   /* the container's cgroup directory on the host */
};

static struct {
	bool captured;
	bool cgns;    /* the init is in a cgroup namespace rooted at its cgroup */
	bool v2;      /* cgroup2-only host: one entry, the unified hierarchy */
	struct cg_view_entry *e;
	size_t n;
} cg_view;

static int cg_view_add(const struct cg_mount *m, berr_t *err)
{
	_cleanup_free_ char *own = NULL;
	struct cg_view_entry *e = &cg_view.e[cg_view.n];
	const char *slash = strrchr(m->dir, '/');

	/* a hierarchy this process is not listed in has nothing to show */
	if (cg_own_path(NULL, m, &own, err) < 0) {
		berr_free(err);
		return 0;
	}
	e->name = strdup(slash ? slash + 1 : m->dir);
	e->ctrls = strdup(m->ctrls);
	if (!e->name || !e->ctrls ||
	    asprintf(&e->host, "%s%s", m->dir, strcmp(own, "/") ? own : "") < 0)
		return berr_errno(err, "cgroup view");
	cg_view.n++;
	return 0;
}

int mounts_capture_cgroups(bool cgns, berr_t *err)
{
	struct cg_layout l;
	int ret = 0;

	if (cg_view.captured)
		return 0;
	if (cg_layout_read(NULL, &l, err) < 0)
		return berr_prefix(err, "cgroup mount");
	cg_view.e = calloc(l.n_v1 + 1, sizeof(*cg_view.e));
	if (!cg_view.e) {
		cg_layout_free(&l);
		return berr_errno(err, "cgroup view");
	}
	for (size_t i = 0; i < l.n_v1 && ret == 0; i++)
		ret = cg_view_add(&l.v1[i], err);
	if (ret == 0 && l.v2)
		ret = cg_view_add(l.v2, err);
	cg_view.v2 = l.mode == CG_MODE_V2;
	cg_view.cgns = cgns;
	cg_view.captured = ret == 0;
	cg_layout_free(&l);
	return ret;
}

static const uint64_t cg_attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;

/* One hierarchy at dir_fd/e->name, and a symlink for each co-mounted
 * controller ("cpu" -> "cpu,cpuacct") as the host has them. */
static int bind_hierarchy(int dir_fd, const struct cg_view_entry *e, uint64_t attr, berr_t *err)
{
	_cleanup_close_ int sub = -1, tree = -1;
	_cleanup_free_ char *ctrls = strdup(e->ctrls);
	char *save = NULL;

	if (!ctrls)
		return berr_errno(err, "cgroup");
	if (mkdirat(dir_fd, e->name, 0755) < 0)
		return berr_errno(err, "mkdir %s", e->name);
	sub = openat(dir_fd, e->name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0)
		return berr_errno(err, "open %s", e->name);
	tree = clone_tree(AT_FDCWD, e->host, false);
	if (tree < 0)
		return berr_errno(err, "bind %s", e->host);
	if (setattr_tree(tree, attr, 0, false) < 0)
		return berr_errno(err, "set attributes of %s", e->host);
	if (attach_tree(tree, sub) < 0)
		return berr_errno(err, "bind %s", e->host);
	for (char *c = strtok_r(ctrls, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
		if (!strcmp(c, e->name) || !strncmp(c, "name=", 5) || !strchr(e->name, ','))
			continue;
		if (symlinkat(e->name, dir_fd, c) < 0 && errno != EEXIST)
			return berr_errno(err, "symlink %s", c);
	}
	return 0;
}

/*
 * v1 (or hybrid): a v1 "cgroup" mount of a hierarchy already bound on the
 * host fails (EBUSY), and its root would be the host's anyway.  So, like
 * runc: a tmpfs holding a bind of the container's own cgroup per hierarchy,
 * read-only at the end if the mount asks for it.
 */
static int mount_cgroup_v1(int root_fd, int target, const struct spec_mount *m, berr_t *err)
{
	_cleanup_close_ int fd = -1;
	struct spec_mount tmpfs = *m;
	char data[] = "mode=755";

	tmpfs.source = "tmpfs";
	tmpfs.data = data;
	tmpfs.flags = (m->flags & ~MS_RDONLY) | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	fd = mount_fs_at(root_fd, target, &tmpfs, "tmpfs", err);
	if (fd < 0)
		return fd;
	for (size_t i = 0; i < cg_view.n; i++)
		if (bind_hierarchy(fd, &cg_view.e[i], ms_to_attr(m->flags) | cg_attrs, err) < 0)
			return -1;
	if ((m->flags & MS_RDONLY) && setattr_tree(fd, MOUNT_ATTR_RDONLY, 0, false) < 0)
		return berr_errno(err, "make it read-only");
	return steal_fd(fd);
}

/* The unified hierarchy (a cgroup2-only host's, or asked for as "cgroup2"):
 * in a new cgroup namespace a cgroup2 mount is rooted at the container's
 * cgroup; otherwise (or if the mount is refused) bind that cgroup, as crun
 * does. */
static int mount_cgroup_v2(int root_fd, int target, const struct spec_mount *m, berr_t *err)
{
	_cleanup_close_ int tree = -1;
	const struct cg_view_entry *e = NULL;
	int fd;

	if (cg_view.cgns) {
		fd = mount_fs_at(root_fd, target, m, "cgroup2", err);
		if (fd != -EPERM && fd != -EBUSY)
			return fd;
		berr_free(err);
	}
	for (size_t i = 0; i < cg_view.n && !e; i++)
		if (!*cg_view.e[i].ctrls)
			e = &cg_view.e[i];
	if (!e)
		return berr_set(err, ENOENT, "no cgroup2 hierarchy on the host");
	tree = clone_tree(AT_FDCWD, e->host, true);
	if (tree < 0)
		return berr_errno(err, "bind %s", e->host);
	if (setattr_tree(tree, ms_to_attr(m->flags) | cg_attrs, 0, true) < 0)
		return berr_errno(err, "set attributes of %s", e->host);
	if (attach_tree(tree, target) < 0)
		return berr_errno(err, "bind %s", e->host);
	return steal_fd(tree);
}

static int mount_cgroup(int root_fd, const struct spec_mount *m, berr_t *err)
{
	_cleanup_close_ int target = open_target(root_fd, m, true, err);

	if (target < 0)
		return target;
	/* the init captures the paths first; without a cgroup namespace, now is as good */
	if (mounts_capture_cgroups(false, err) < 0)
		return -1;
	if (cg_view.v2 || !strcmp(m->type, "cgroup2"))
		return mount_cgroup_v2(root_fd, target, m, err);
	return mount_cgroup_v1(root_fd, target, m, err);
}

int mount_entry(int root_fd, const struct spec_mount *m, berr_t *err)
{
	_cleanup_close_ int fd = -1;
	char path[PROCFD_LEN];

	if (m->bind)
		fd = mount_bind(root_fd, m, err);
	else if (!m->type)
		return berr_fail(err, "no filesystem type");
	else if (!strcmp(m->type, "sysfs"))
		fd = mount_sysfs(root_fd, m, err);
	else if (spec_mount_is_cgroup(m))
		fd = mount_cgroup(root_fd, m, err);
	else
		fd = mount_fs(root_fd, m, err);
	if (fd < 0)
		return fd;
	if ((m->attr_set || m->attr_clr) && setattr_tree(fd, m->attr_set, m->attr_clr, true) < 0)
		return berr_errno(err, "set recursive attributes");
	if (!m->propagation)
		return 0;
	procfd_path(path, fd);
	return set_propagation(path, m->propagation, err);
}
