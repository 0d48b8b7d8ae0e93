/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroupfs file access.  Every value goes in with a single write() (the
 * kernel parses each write on its own) and every error names the file:
 *   write /sys/fs/cgroup/memory/berth/x/memory.limit_in_bytes: Device or resource busy
 */
#include "cgroup-internal.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static int open_file(const char *dir, const char *file, int flags, char **path, berr_t *err)
{
	int fd;

	if (asprintf(path, "%s/%s", dir, file) < 0) {
		*path = NULL;
		return berr_errno(err, "open %s/%s", dir, file);
	}
	fd = open(*path, flags | O_CLOEXEC);
	if (fd < 0)
		return berr_errno(err, "open %s", *path);
	return fd;
}

int cg_write(const char *dir, const char *file, const char *val, berr_t *err)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;

	/* no O_CREAT: a missing file means the kernel lacks the feature */
	fd = open_file(dir, file, O_WRONLY | O_TRUNC, &path, err);
	if (fd < 0)
		return fd;
	return write_value_fd(fd, path, val, err);
}

int cg_writef(const char *dir, const char *file, berr_t *err, const char *fmt, ...)
{
	_cleanup_free_ char *val = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&val, fmt, ap);
	va_end(ap);
	if (n < 0)
		return berr_errno(err, "write %s/%s", dir, file);
	return cg_write(dir, file, val, err);
}

void cg_lines_add(struct cg_lines *l, const char *fmt, ...)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));
	va_list ap;
	int n;

	if (!v) {
		l->oom = true;
		return;
	}
	l->v = v;
	va_start(ap, fmt);
	n = vasprintf(&v[l->n], fmt, ap);
	va_end(ap);
	if (n < 0)
		l->oom = true;
	else
		l->n++;
}

void cg_lines_free(struct cg_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* frees the lines */
int cg_write_lines(const char *dir, const char *file, struct cg_lines *l, berr_t *err)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;
	int ret = 0;

	if (l->oom)
		ret = berr_set(err, ENOMEM, "write %s/%s", dir, file);
	if (ret == 0 && l->n > 0) {
		fd = open_file(dir, file, O_WRONLY | O_TRUNC, &path, err);
		ret = fd < 0 ? fd : 0;
	}
	for (size_t i = 0; ret == 0 && i < l->n; i++)
		ret = write_value_fd(fd, path, l->v[i], err);
	cg_lines_free(l);
	return ret;
}

int cg_read(const char *dir, const char *file, char **out, berr_t *err)
{
	_cleanup_free_ char *path = NULL;

	if (asprintf(&path, "%s/%s", dir, file) < 0)
		return berr_errno(err, "read %s/%s", dir, file);
	return read_file_at(AT_FDCWD, path, 4 << 20, out, NULL, err);
}

int cg_read_u64(const char *dir, const char *file, uint64_t *v, berr_t *err)
{
	_cleanup_free_ char *s = NULL;
	char *end;

	if (cg_read(dir, file, &s, err) < 0)
		return -1;
	if (!strncmp(s, "max", 3)) {
		*v = UINT64_MAX;
		return 0;
	}
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno || end == s)
		return berr_fail(err, "read %s/%s: not a number: \"%.32s\"", dir, file, s);
	return 0;
}

bool cg_exists(const char *dir, const char *file)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		return false;
	return access(path, F_OK) == 0;
}

int cg_keyed_u64(const char *text, const char *key, uint64_t *v)
{
	size_t klen = strlen(key);

	for (const char *p = text; p && *p;) {
		if (!strncmp(p, key, klen) && p[klen] == ' ') {
			*v = strtoull(p + klen + 1, NULL, 10);
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

static int add_pids(const char *dir, pid_t **pids, size_t *n, berr_t *err)
{
	_cleanup_free_ char *procs = NULL;
	_cleanup_closedir_ DIR *d = NULL;
	int ret;

	ret = cg_read(dir, "cgroup.procs", &procs, err);
	if (ret == -ENOENT) {   /* removed meanwhile */
		berr_free(err);
		return 0;
	}
	if (ret < 0)
		return ret;
	for (char *p = procs; *p;) {
		char *end;
		long pid = strtol(p, &end, 10);
		pid_t *np;

		if (end == p)
			break;
		np = realloc(*pids, (*n + 1) * sizeof(**pids));
		if (!np)
			return berr_errno(err, "read %s/cgroup.procs", dir);
		*pids = np;
		(*pids)[(*n)++] = (pid_t)pid;
		p = end + strspn(end, "\n");
	}
	/* sub-cgroups the container made itself */
	d = opendir(dir);
	for (struct dirent *de; d && (de = readdir(d));) {
		_cleanup_free_ char *sub = NULL;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (asprintf(&sub, "%s/%s", dir, de->d_name) < 0)
			return berr_errno(err, "read %s", dir);
		if (add_pids(sub, pids, n, err) < 0)
			return -1;
	}
	return 0;
}

int cg_read_pids(const char *dir, pid_t **pids, size_t *n, berr_t *err)
{
	*pids = NULL;
	*n = 0;
	if (add_pids(dir, pids, n, err) < 0) {
		free(*pids);
		*pids = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* rmdir dir and the sub-cgroups in it, deepest first (cgroupfs directories
 * go with rmdir alone, their files with them) */
int cg_rmdir_tree(const char *dir, berr_t *err)
{
	_cleanup_closedir_ DIR *d = opendir(dir);

	if (!d)
		return errno == ENOENT ? 0 : berr_errno(err, "open %s", dir);
	for (struct dirent *de; (de = readdir(d));) {
		_cleanup_free_ char *sub = NULL;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (asprintf(&sub, "%s/%s", dir, de->d_name) < 0)
			return berr_errno(err, "rmdir %s", dir);
		if (cg_rmdir_tree(sub, err) < 0)
			return -1;
	}
	/* the last task may still be on its way out: EBUSY for a moment */
	for (int i = 0; rmdir(dir) < 0; i++) {
		if (errno == ENOENT)
			return 0;
		if (errno != EBUSY || i == 100)
			return berr_errno(err, "rmdir %s", dir);
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
	return 0;
}

/* ---- stats helpers ---------------------------------------------------------- */

json_t *cg_json_u64(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

uint64_t cg_u64_or_0(const char *dir, const char *file)
{
	uint64_t v;

	return cg_read_u64(dir, file, &v, NULL) < 0 ? 0 : v;
}

json_t *cg_json_keyed(const char *dir, const char *file)
{
	_cleanup_free_ char *text = NULL;
	json_t *o = json_object();
	char *save = NULL;

	if (!o || cg_read(dir, file, &text, NULL) < 0)
		return o;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(l, ' ');

		if (!sp)
			continue;
		*sp = '\0';
		json_object_set_new(o, l, cg_json_u64(strtoull(sp + 1, NULL, 10)));
	}
	return o;
}

json_t *cg_blkio_entry(uint64_t major, uint64_t minor, const char *op, uint64_t value)
{
	return json_pack("{s:o, s:o, s:s, s:o}", "major", cg_json_u64(major), "minor",
			 cg_json_u64(minor), "op", op, "value", cg_json_u64(value));
}
