/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One tar entry onto disk, for a layer that must be assumed hostile.
 *
 * Every path is cleaned first (leading '/' and "." dropped, ".." refused),
 * then split into a parent directory, resolved with openat2(RESOLVE_IN_ROOT)
 * so that symlinks in it stay inside the layer, and a last component that
 * is only ever used with *at() calls that do not follow it.  Whatever is in
 * the way of an entry is removed first, as docker does: the layer is
 * private until it is renamed into the store, so nobody races us here.
 *
 * Whiteouts become what overlayfs reads: ".wh.NAME" a 0/0 character device
 * NAME, ".wh..wh..opq" trusted.overlay.opaque=y on its directory.
 */
#include "unpack.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"
#define WH_META ".wh..wh."

/*
 * in -> out, dest-relative: "/a//./b/" -> "a/b", "/" or "." -> "".
 * -EINVAL for a ".." component: there is no honest reading of one.
 */
static int clean_path(const char *in, char *out, size_t size)
{
	size_t o = 0;

	if (strnlen(in, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;
	for (const char *p = in; *p;) {
		const char *end;
		size_t n;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = strchrnul(p, '/');
		n = (size_t)(end - p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return -EINVAL;
		if (!(n == 1 && p[0] == '.')) {
			if (n > NAME_MAX || o + n + 2 > size)
				return -ENAMETOOLONG;
			if (o)
				out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p = end;
	}
	out[o] = '\0';
	return 0;
}

static int bad_path(berr_t *err, int r, const char *what, const char *name)
{
	if (r == -EINVAL)
		return berr_fail(err, "%s \"%s\": \"..\" in a layer path", what, name);
	return berr_set(err, ENAMETOOLONG, "%s \"%.200s...\"", what, name);
}

/* Is path equal to dir or below it? */
static bool path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!n)
		return true;
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/* Something at path is about to be replaced or removed: a cached parent at or
 * below it may no longer be what the path names. */
static void parent_forget(struct unpack *u, const char *path)
{
	if (u->parent_fd >= 0 && path_under(u->parent, path)) {
		close(u->parent_fd);
		u->parent_fd = -1;
	}
}

/* comp below prev, not following a symlink: one is resolved again from the
 * layer root (prefix names the same directory), so that it stays inside. */
static int walk_step(int dest, int prev, const char *comp, const char *prefix)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, prev, comp, &how, sizeof(how));

	if (fd < 0 && errno == ELOOP)
		fd = openat_in_root(dest, prefix, O_PATH | O_DIRECTORY, 0);
	return fd;
}

/*
 * Open dir, creating its missing directories (0755, as docker does) below
 * their resolved parents.  One step per component, so a deep path costs
 * linear time, not a walk from the root per component.
 */
static int make_parents(struct unpack *u, const char *dir, berr_t *err)
{
	_cleanup_close_ int prev = -1;
	char buf[PATH_MAX];
	size_t len = strlen(dir), start = 0;
	int fd;

	prev = openat(u->dest, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (prev < 0)
		return berr_errno(err, "open layer root");
	memcpy(buf, dir, len + 1);
	for (size_t i = 0; i <= len; i++) {
		const char *comp = buf + start;

		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		fd = walk_step(u->dest, prev, comp, buf);
		if (fd < 0 && errno == ENOENT) {
			/* EEXIST: a symlink to nowhere; the retry says so */
			if (mkdirat(prev, comp, 0755) < 0 && errno != EEXIST)
				return berr_errno(err, "mkdir %s", buf);
			fd = walk_step(u->dest, prev, comp, buf);
		}
		if (fd < 0)
			return berr_errno(err, "open %s", buf);
		close(prev);
		prev = fd;
		if (i < len)
			buf[i] = '/';
		start = i + 1;
	}
	fd = openat(prev, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return berr_errno(err, "open %s", dir);
	return fd;
}

/* The directory u->dir, opened inside dest (created if missing).  Owned by
 * the cache: callers do not close it. */
static int parent_open(struct unpack *u, berr_t *err)
{
	int fd;

	if (!u->dir[0])
		return u->dest;
	if (u->parent_fd >= 0 && !strcmp(u->parent, u->dir))
		return u->parent_fd;
	if (u->parent_fd >= 0)
		close(u->parent_fd);
	u->parent_fd = -1;
	fd = openat_in_root(u->dest, u->dir, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0 && errno == ENOENT) {
		fd = make_parents(u, u->dir, err);
		if (fd < 0)
			return -1;
	}
	if (fd < 0)
		return berr_errno(err, "open %s", u->dir);
	strcpy(u->parent, u->dir);
	u->parent_fd = fd;
	return fd;
}

static int entry_owner(struct archive_entry *e, uid_t *uid, gid_t *gid, berr_t *err)
{
	la_int64_t u = archive_entry_uid(e), g = archive_entry_gid(e);

	/* (uid_t)-1 would mean "leave unchanged" to chown */
	if (u < 0 || u >= UINT32_MAX || g < 0 || g >= UINT32_MAX)
		return berr_fail(err, "owner %lld:%lld out of range", (long long)u, (long long)g);
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}

static void entry_times(struct archive_entry *e, struct timespec ts[2])
{
	ts[1].tv_sec = archive_entry_mtime(e);
	ts[1].tv_nsec = archive_entry_mtime_nsec(e);
	if (ts[1].tv_nsec < 0 || ts[1].tv_nsec >= 1000000000)
		ts[1].tv_nsec = 0;
	ts[0] = ts[1];
	if (archive_entry_atime_is_set(e)) {
		ts[0].tv_sec = archive_entry_atime(e);
		ts[0].tv_nsec = archive_entry_atime_nsec(e);
		if (ts[0].tv_nsec < 0 || ts[0].tv_nsec >= 1000000000)
			ts[0].tv_nsec = 0;
	}
}

/* user.* and file capabilities are image content; trusted.* (overlay's own
 * among them) and security labels are the host's business. */
static bool xattr_allowed(const char *name)
{
	return !strncmp(name, "user.", 5) || !strcmp(name, "security.capability");
}

/* Owner, then mode (chown clears setuid/setgid), then xattrs (chown drops
 * security.capability), on an open regular file or directory. */
static int set_meta_fd(int fd, struct archive_entry *e, const char *name, berr_t *err)
{
	const char *key;
	const void *val;
	size_t size;
	uid_t uid = 0;
	gid_t gid = 0;

	if (entry_owner(e, &uid, &gid, err) < 0)
		return berr_prefix(err, "%s", name);
	if (fchown(fd, uid, gid) < 0)
		return berr_errno(err, "chown %s", name);
	if (fchmod(fd, archive_entry_mode(e) & 07777) < 0)
		return berr_errno(err, "chmod %s", name);
	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &key, &val, &size) == ARCHIVE_OK) {
		if (!key || !xattr_allowed(key))
			continue;
		if (fsetxattr(fd, key, val, size, 0) < 0 && errno != EOPNOTSUPP)
			return berr_errno(err, "setxattr %s %s", name, key);
	}
	return 0;
}

/* Owner, mode and times of something not to be opened: a device, a fifo, a
 * symlink.  base was just created by us in a private directory. */
static int set_meta_at(int pfd, const char *base, struct archive_entry *e, bool chmod_it,
		       const char *name, berr_t *err)
{
	struct timespec ts[2];
	uid_t uid = 0;
	gid_t gid = 0;

	if (entry_owner(e, &uid, &gid, err) < 0)
		return berr_prefix(err, "%s", name);
	if (fchownat(pfd, base, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
		return berr_errno(err, "chown %s", name);
	if (chmod_it && fchmodat(pfd, base, archive_entry_mode(e) & 07777, 0) < 0)
		return berr_errno(err, "chmod %s", name);
	entry_times(e, ts);
	if (utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return berr_errno(err, "set times of %s", name);
	return 0;
}

static int remove_at(struct unpack *u, int pfd, const char *base, const char *name, berr_t *err)
{
	if (remove_tree_at(pfd, base, err) < 0)
		return berr_prefix(err, "replace %s", name);
	return 0;
}

static int write_data(struct unpack *u, int fd, int64_t size, const char *name, berr_t *err)
{
	int64_t end = 0;

	for (;;) {
		const void *buf;
		size_t len;
		la_int64_t off;
		int r = archive_read_data_block(u->ar, &buf, &len, &off);

		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK)
			return berr_fail(err, "read %s: %s", name,
					 archive_error_string(u->ar) ? archive_error_string(u->ar) :
					 "corrupt or truncated layer stream");
		if (off < 0 || (uint64_t)len > (uint64_t)size || off > size - (int64_t)len)
			return berr_fail(err, "read %s: data beyond its size", name);
		for (size_t done = 0; done < len;) {
			ssize_t n = pwrite(fd, (const char *)buf + done, len - done,
					   off + (off_t)done);

			if (n < 0) {
				if (errno == EINTR)
					continue;
				return berr_errno(err, "write %s", name);
			}
			done += (size_t)n;
		}
		if (off + (int64_t)len > end)
			end = off + (int64_t)len;
	}
	/* a sparse file may end in a hole */
	if (end < size && ftruncate(fd, size) < 0)
		return berr_errno(err, "truncate %s", name);
	return 0;
}

static int extract_file(struct unpack *u, int pfd, const char *base, struct archive_entry *e,
			const char *name, berr_t *err)
{
	_cleanup_close_ int fd = -1;
	int64_t size = archive_entry_size(e);
	struct timespec ts[2];

	if (size < 0)
		return berr_fail(err, "%s: negative size", name);
	if ((uint64_t)size > u->max_bytes - u->bytes)
		return berr_set(err, EFBIG, "%s: layer holds more than %llu bytes of file data",
				name, (unsigned long long)u->max_bytes);
	u->bytes += (uint64_t)size;

	fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST) {
		if (remove_at(u, pfd, base, name, err) < 0)
			return -1;
		fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	}
	if (fd < 0)
		return berr_errno(err, "create %s", name);
	if (write_data(u, fd, size, name, err) < 0 || set_meta_fd(fd, e, name, err) < 0)
		return -1;
	entry_times(e, ts);
	if (futimens(fd, ts) < 0)
		return berr_errno(err, "set times of %s", name);
	return 0;
}

static int record_dir_time(struct unpack *u, struct archive_entry *e, berr_t *err)
{
	struct dir_time *d;

	if (u->n_dirs == u->cap_dirs) {
		size_t cap = u->cap_dirs ? u->cap_dirs * 2 : 256;

		d = reallocarray(u->dirs, cap, sizeof(*d));
		if (!d)
			return berr_errno(err, "record directory times");
		u->dirs = d;
		u->cap_dirs = cap;
	}
	d = &u->dirs[u->n_dirs];
	d->path = strdup(u->path);
	if (!d->path)
		return berr_errno(err, "record directory times");
	entry_times(e, d->ts);
	u->n_dirs++;
	return 0;
}

static int extract_dir(struct unpack *u, int pfd, const char *base, struct archive_entry *e,
		       const char *name, berr_t *err)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (mkdirat(pfd, base, 0700) < 0) {
		if (errno != EEXIST)
			return berr_errno(err, "mkdir %s", name);
		if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return berr_errno(err, "stat %s", name);
		if (!S_ISDIR(st.st_mode)) {
			if (remove_at(u, pfd, base, name, err) < 0)
				return -1;
			if (mkdirat(pfd, base, 0700) < 0)
				return berr_errno(err, "mkdir %s", name);
		}
	}
	fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return berr_errno(err, "open %s", name);
	if (set_meta_fd(fd, e, name, err) < 0)
		return -1;
	return record_dir_time(u, e, err);
}

static int extract_symlink(struct unpack *u, int pfd, const char *base, struct archive_entry *e,
			   const char *name, berr_t *err)
{
	const char *target = archive_entry_symlink(e);

	if (!target || !*target)
		return berr_fail(err, "%s: symlink without a target", name);
	if (strnlen(target, PATH_MAX) >= PATH_MAX)
		return berr_set(err, ENAMETOOLONG, "%s: symlink target", name);
	/* stored verbatim: it is only ever resolved inside a root */
	if (symlinkat(target, pfd, base) < 0) {
		if (errno != EEXIST)
			return berr_errno(err, "symlink %s", name);
		if (remove_at(u, pfd, base, name, err) < 0)
			return -1;
		if (symlinkat(target, pfd, base) < 0)
			return berr_errno(err, "symlink %s", name);
	}
	return set_meta_at(pfd, base, e, false, name, err);
}

static int link_fd(int tfd, const struct stat *tst, int pfd, const char *base)
{
	char proc[64];

	if (linkat(tfd, "", pfd, base, AT_EMPTY_PATH) == 0)
		return 0;
	/* AT_EMPTY_PATH wants CAP_DAC_READ_SEARCH; procfs does not, but following
	 * its link to a symlink could go on to the symlink's target */
	if ((errno != ENOENT && errno != EPERM) || S_ISLNK(tst->st_mode))
		return -1;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", tfd);
	return linkat(AT_FDCWD, proc, pfd, base, AT_SYMLINK_FOLLOW);
}

static int extract_hardlink(struct unpack *u, int pfd, const char *base, const char *link,
			    const char *name, berr_t *err)
{
	_cleanup_close_ int tfd = -1;
	struct stat tst, st;
	int r;

	/* "/etc/shadow" means the layer's own etc/shadow, like any path */
	r = clean_path(link, u->link, sizeof(u->link));
	if (r < 0)
		return bad_path(err, r, "hardlink target", link);
	if (!u->link[0])
		return berr_fail(err, "%s: hardlink to the layer root", name);
	tfd = openat_in_root(u->dest, u->link, O_PATH | O_NOFOLLOW, 0);
	if (tfd < 0)
		return berr_errno(err, "%s: hardlink target %s", name, link);
	if (fstat(tfd, &tst) < 0)
		return berr_errno(err, "stat %s", link);
	if (S_ISDIR(tst.st_mode))
		return berr_fail(err, "%s: hardlink to directory %s", name, link);
	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (st.st_dev == tst.st_dev && st.st_ino == tst.st_ino)
			return 0;
		if (remove_at(u, pfd, base, name, err) < 0)
			return -1;
	}
	if (link_fd(tfd, &tst, pfd, base) < 0)
		return berr_errno(err, "link %s to %s", name, link);
	return 0;
}

static int extract_node(struct unpack *u, int pfd, const char *base, struct archive_entry *e,
			const char *name, berr_t *err)
{
	mode_t type = archive_entry_filetype(e);
	dev_t dev = 0;

	if (type != AE_IFIFO)
		dev = makedev(archive_entry_rdevmajor(e), archive_entry_rdevminor(e));
	if (mknodat(pfd, base, type | 0600, dev) < 0) {
		if (errno != EEXIST)
			return berr_errno(err, "mknod %s", name);
		if (remove_at(u, pfd, base, name, err) < 0)
			return -1;
		if (mknodat(pfd, base, type | 0600, dev) < 0)
			return berr_errno(err, "mknod %s", name);
	}
	return set_meta_at(pfd, base, e, true, name, err);
}

static int whiteout(struct unpack *u, int pfd, const char *base, const char *name, berr_t *err)
{
	const char *victim = base + strlen(WH_PREFIX);

	if (!strcmp(base, WH_OPAQUE)) {
		_cleanup_close_ int fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0)
			return berr_errno(err, "open %s", name);
		if (fsetxattr(fd, "trusted.overlay.opaque", "y", 1, 0) < 0)
			return berr_errno(err, "mark %s opaque", u->dir[0] ? u->dir : "/");
		return 0;
	}
	/* aufs bookkeeping (.wh..wh.plnk, .wh..wh.aufs): nothing for overlayfs */
	if (!strncmp(base, WH_META, strlen(WH_META)))
		return 0;
	if (!*victim || !strcmp(victim, ".") || !strcmp(victim, ".."))
		return berr_fail(err, "%s: invalid whiteout", name);
	if (remove_at(u, pfd, victim, name, err) < 0)
		return -1;
	if (mknodat(pfd, victim, S_IFCHR, makedev(0, 0)) < 0)
		return berr_errno(err, "whiteout %s", name);
	return 0;
}

/* The layer root itself ("./" in most tars): only a directory may be it. */
static int extract_root(struct unpack *u, struct archive_entry *e, const char *name, berr_t *err)
{
	_cleanup_close_ int fd = -1;

	if (archive_entry_hardlink(e) || archive_entry_filetype(e) != AE_IFDIR)
		return berr_fail(err, "%s: replaces the layer root", name);
	fd = openat(u->dest, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return berr_errno(err, "open layer root");
	if (set_meta_fd(fd, e, name, err) < 0)
		return -1;
	return record_dir_time(u, e, err);
}

int unpack_entry(struct unpack *u, struct archive_entry *e, berr_t *err)
{
	const char *name = archive_entry_pathname(e), *base, *link;
	char *slash;
	int pfd, r;

	if (!name)
		return berr_fail(err, "entry without a path");
	r = clean_path(name, u->path, sizeof(u->path));
	if (r < 0)
		return bad_path(err, r, "entry", name);
	if (!u->path[0])
		return extract_root(u, e, name, err);

	slash = strrchr(u->path, '/');
	if (slash) {
		memcpy(u->dir, u->path, (size_t)(slash - u->path));
		u->dir[slash - u->path] = '\0';
		base = slash + 1;
	} else {
		u->dir[0] = '\0';
		base = u->path;
	}
	if (!strncmp(base, WH_PREFIX, strlen(WH_PREFIX))) {
		/* what goes is dir/NAME, which the cached parent may be below */
		size_t pre = (size_t)(base - u->path);

		/* u->path less the ".wh.": shorter, so it fits */
		memcpy(u->link, u->path, pre);
		strcpy(u->link + pre, base + strlen(WH_PREFIX));
		parent_forget(u, u->link);
	} else {
		parent_forget(u, u->path);
	}
	pfd = parent_open(u, err);
	if (pfd < 0)
		return berr_prefix(err, "%s", name);
	if (!strncmp(base, WH_PREFIX, strlen(WH_PREFIX)))
		return whiteout(u, pfd, base, name, err);

	link = archive_entry_hardlink(e);
	if (link)
		return extract_hardlink(u, pfd, base, link, name, err);
	switch (archive_entry_filetype(e)) {
	case AE_IFREG:
		return extract_file(u, pfd, base, e, name, err);
	case AE_IFDIR:
		return extract_dir(u, pfd, base, e, name, err);
	case AE_IFLNK:
		return extract_symlink(u, pfd, base, e, name, err);
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
		return extract_node(u, pfd, base, e, name, err);
	default:
		return berr_fail(err, "%s: unsupported file type 0%o", name,
				 (unsigned)archive_entry_filetype(e));
	}
}

void unpack_dir_times(struct unpack *u)
{
	for (size_t i = 0; i < u->n_dirs; i++) {
		int fd = openat_in_root(u->dest, u->dirs[i].path,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);

		/* gone or replaced by a later entry: nothing to restore */
		if (fd < 0)
			continue;
		futimens(fd, u->dirs[i].ts);
		close(fd);
	}
}

void unpack_release(struct unpack *u)
{
	if (u->parent_fd >= 0)
		close(u->parent_fd);
	u->parent_fd = -1;
	for (size_t i = 0; i < u->n_dirs; i++)
		free(u->dirs[i].path);
	free(u->dirs);
	u->dirs = NULL;
	u->n_dirs = u->cap_dirs = 0;
}
