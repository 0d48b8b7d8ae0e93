/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fs.h"
#include "cleanup.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>

ssize_t write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

ssize_t read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, p + done, len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int read_file_at(int dirfd, const char *path, size_t max, char **out, size_t *len, berr_t *err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t cap = 4096, used = 0;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return berr_errno(err, "open %s", path);
	buf = malloc(cap + 1);
	if (!buf)
		return berr_errno(err, "read %s", path);
	for (;;) {
		ssize_t n;

		if (used == cap) {
			char *nb;

			if (cap >= max)
				return berr_set(err, EFBIG, "read %s", path);
			cap = cap * 2 > max ? max : cap * 2;
			nb = realloc(buf, cap + 1);
			if (!nb)
				return berr_errno(err, "read %s", path);
			buf = nb;
		}
		n = read(fd, buf + used, cap - used);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return berr_errno(err, "read %s", path);
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	buf[used] = '\0';
	if (len)
		*len = used;
	*out = steal_ptr(buf);
	return 0;
}

int write_file_at(int dirfd, const char *path, const void *buf, size_t len, mode_t mode, berr_t *err)
{
	_cleanup_close_ int fd = -1;

	fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return berr_errno(err, "open %s", path);
	if (write_all(fd, buf, len) < 0)
		return berr_errno(err, "write %s", path);
	return 0;
}

int write_file_atomic_at(int dirfd, const char *path, const void *buf, size_t len, mode_t mode,
			 berr_t *err)
{
	char tmp[PATH_MAX];
	int ret;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return berr_set(err, ENAMETOOLONG, "write %s", path);
	ret = write_file_at(dirfd, tmp, buf, len, mode, err);
	if (ret < 0)
		return ret;
	if (renameat(dirfd, tmp, dirfd, path) < 0) {
		ret = berr_errno(err, "rename %s", path);
		unlinkat(dirfd, tmp, 0);
		return ret;
	}
	return 0;
}

int mkdir_p(const char *path, mode_t mode, berr_t *err)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return berr_set(err, ENAMETOOLONG, "mkdir %s", path);
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, mode) < 0 && errno != EEXIST)
				return berr_errno(err, "mkdir %s", buf);
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return 0;
}

int remove_tree_at(int parent, const char *name, berr_t *err)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct stat st_dir;
	int fd;

	if (unlinkat(parent, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return berr_errno(err, "unlink %s", name);
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return berr_errno(err, "open %s", name);
	if (fstat(fd, &st_dir) < 0) {
		close(fd);
		return berr_errno(err, "stat %s", name);
	}
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return berr_errno(err, "opendir %s", name);
	}
	for (struct dirent *de; (de = readdir(d));) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (st.st_dev != st_dir.st_dev)
				return berr_set(err, EBUSY, "remove %s/%s: mount point", name, de->d_name);
			if (remove_tree_at(dirfd(d), de->d_name, err) < 0)
				return berr_prefix(err, "%s", name);
		} else if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT) {
			return berr_errno(err, "unlink %s/%s", name, de->d_name);
		}
	}
	if (unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return berr_errno(err, "rmdir %s", name);
	return 0;
}

int write_value_fd(int fd, const char *path, const char *val, berr_t *err)
{
	size_t len = strlen(val);
	ssize_t n;

	do
		n = write(fd, val, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return berr_errno(err, "write %s", path);
	if ((size_t)n != len)
		return berr_set(err, EIO, "write %s: short write", path);
	return 0;
}

int openat_in_root(int root_fd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC),
		.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	while (*path == '/')
		path++;
	if (*path == '\0')
		path = ".";
	return (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
}
