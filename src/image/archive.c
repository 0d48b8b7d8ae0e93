/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Archive sources for berth load: an OCI layout directory, or a tar (OCI
 * archive, docker-archive) read with libarchive.  Tar entries are found by
 * name and read in place; nothing is ever extracted by path, so a hostile
 * name ("../../etc/passwd", a symlink out) has nowhere to land.
 */
#include "archive-internal.h"
#include "dl.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#define CHUNK (128u << 10)
#define MAX_LINK_HOPS 16

static void archive_freep(struct archive **a)
{
	if (*a)
		archive_read_free(*a);
	*a = NULL;
}
#define _cleanup_archive_ __attribute__((cleanup(archive_freep)))

/*
 * Normalise "dir" + "/" + "rel" into an archive path: "." and empty
 * components dropped, ".." pops (only when allow_up; never above the top).
 * An empty result is refused: it names no file.
 */
static int path_join(const char *dir, const char *rel, bool allow_up, char **out)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_free_ char *res = NULL;
	size_t len = 0;
	char *save = NULL;

	if (asprintf(&buf, "%s/%s", dir ? dir : "", rel) < 0)
		return -ENOMEM;
	res = malloc(strlen(buf) + 1);
	if (!res)
		return -ENOMEM;
	for (char *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			if (!allow_up || len == 0)
				return -EINVAL;
			while (len > 0 && res[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			continue;
		}
		if (len)
			res[len++] = '/';
		memcpy(res + len, c, strlen(c));
		len += strlen(c);
	}
	if (len == 0)
		return -EINVAL;
	res[len] = '\0';
	*out = steal_ptr(res);
	return 0;
}

int archive_path_clean(const char *in, char **out, berr_t *err)
{
	if (!in || !*in)
		return berr_fail(err, "empty path");
	if (strlen(in) > ARCHIVE_MAX_NAME)
		return berr_fail(err, "path too long");
	if (in[0] == '/' || path_join(NULL, in, false, out) < 0)
		return berr_fail(err, "path \"%s\" points outside the archive", in);
	return 0;
}

/* ----------------------------------------------------------------------------------------- */
/* tar */

static int tar_open(int fd, struct archive **out, berr_t *err)
{
	_cleanup_archive_ struct archive *a = NULL;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return berr_errno(err, "seek");
	a = archive_read_new();
	if (!a)
		return dl_archive_load(err) ?: berr_set(err, ENOMEM, "libarchive");
	/* a compressed tar (docker save | gzip) is read through, as docker load does */
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_fd(a, fd, CHUNK) != ARCHIVE_OK)
		return berr_fail(err, "read tar: %s", archive_error_string(a));
	*out = steal_ptr(a);
	return 0;
}

static int tar_next(struct archive *a, struct archive_entry **e, berr_t *err)
{
	int r = archive_read_next_header(a, e);

	if (r == ARCHIVE_EOF)
		return 0;
	if (r == ARCHIVE_OK || r == ARCHIVE_WARN)
		return 1;
	return berr_fail(err, "read tar: %s", archive_error_string(a) ?: "bad header");
}

static void tar_entries_free(struct archive_src *src)
{
	for (size_t i = 0; i < src->n_ents; i++) {
		free(src->ents[i].name);
		free(src->ents[i].link);
	}
	free(src->ents);
	src->ents = NULL;
	src->n_ents = 0;
}

/* One pass over the headers: what is there, and where. */
static int tar_index(struct archive_src *src, berr_t *err)
{
	_cleanup_archive_ struct archive *a = NULL;
	struct archive_entry *e;
	size_t cap = 0;
	int r;

	if (tar_open(src->tarfd, &a, err) < 0)
		return -1;
	for (size_t ord = 0;; ord++) {
		const char *name, *hl, *sl;
		struct tar_entry *t;
		char *dir;

		r = tar_next(a, &e, err);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		if (ord >= ARCHIVE_MAX_ENTRIES)
			return berr_fail(err, "more than %d entries in the archive", ARCHIVE_MAX_ENTRIES);
		name = archive_entry_pathname(e);
		if (!name || strlen(name) > ARCHIVE_MAX_NAME)
			continue;
		if (src->n_ents == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct tar_entry *n = realloc(src->ents, ncap * sizeof(*n));

			if (!n)
				return berr_set(err, ENOMEM, "index the archive");
			src->ents = n;
			cap = ncap;
		}
		t = &src->ents[src->n_ents];
		*t = (struct tar_entry){ .ordinal = ord, .size = archive_entry_size(e) };
		/* a name climbing out of the archive can never be asked for: leave it out */
		if (path_join(NULL, name, false, &t->name) < 0)
			continue;
		hl = archive_entry_hardlink(e);
		sl = archive_entry_symlink(e);
		if (hl) {
			/* hard link targets are archive paths */
			if (path_join(NULL, hl, false, &t->link) < 0)
				t->link = strdup("");
		} else if (sl && archive_entry_filetype(e) == AE_IFLNK) {
			/* symlink targets are relative to the link's directory ("../<id>/layer.tar") */
			dir = strdup(t->name);
			if (!dir) {
				free(t->name);
				return berr_set(err, ENOMEM, "index the archive");
			}
			*(strrchr(dir, '/') ?: dir) = '\0';
			if (sl[0] == '/' || path_join(dir, sl, true, &t->link) < 0)
				t->link = strdup("");
			free(dir);
		} else {
			t->regular = archive_entry_filetype(e) == AE_IFREG;
		}
		if ((hl || sl) && !t->link) {
			free(t->name);
			return berr_set(err, ENOMEM, "index the archive");
		}
		src->n_ents++;
	}
	if (src->n_ents == 0)
		return berr_fail(err, "empty archive");
	return 0;
}

/* The regular file name names, links followed; NULL when there is none. */
static const struct tar_entry *tar_find(const struct archive_src *src, const char *name)
{
	for (int hop = 0; hop < MAX_LINK_HOPS; hop++) {
		const struct tar_entry *t = NULL;

		/* the last entry of a name wins, as on extraction */
		for (size_t i = src->n_ents; i-- > 0;) {
			if (!strcmp(src->ents[i].name, name)) {
				t = &src->ents[i];
				break;
			}
		}
		if (!t)
			return NULL;
		if (!t->link)
			return t->regular ? t : NULL;
		name = t->link;
	}
	return NULL;
}

/* Position a at the data of entry t. */
static int tar_seek(struct archive_src *src, const struct tar_entry *t, struct archive **out,
		    berr_t *err)
{
	_cleanup_archive_ struct archive *a = NULL;
	struct archive_entry *e;

	if (tar_open(src->tarfd, &a, err) < 0)
		return -1;
	for (size_t ord = 0; ord <= t->ordinal; ord++) {
		int r = tar_next(a, &e, err);

		if (r < 0)
			return r;
		if (r == 0)
			return berr_fail(err, "archive changed while being read");
	}
	*out = steal_ptr(a);
	return 0;
}

/* ----------------------------------------------------------------------------------------- */

static int copy_to_tmpfile(struct berth_store *s, int in, berr_t *err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = malloc(CHUNK);
	ssize_t n;

	if (!buf)
		return berr_set(err, ENOMEM, "read the archive");
	if (mkdirat(s->root_fd, "tmp", 0700) < 0 && errno != EEXIST)
		return berr_errno(err, "create %s/tmp", s->root);
	fd = openat(s->root_fd, "tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return berr_errno(err, "temporary file in %s/tmp", s->root);
	while ((n = read(in, buf, CHUNK)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return berr_errno(err, "read the archive");
		}
		if (write_all(fd, buf, (size_t)n) < 0)
			return berr_errno(err, "copy the archive to %s/tmp", s->root);
	}
	return steal_fd(fd);
}

int archive_src_open(struct berth_store *s, const char *path, struct archive_src *src,
		     berr_t *err)
{
	_cleanup_close_ int fd = -1;
	bool is_stdin = !path || !strcmp(path, "-");
	struct stat st;

	*src = (struct archive_src){ .dirfd = -1, .tarfd = -1 };
	if (is_stdin)
		fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return berr_errno(err, "open %s", is_stdin ? "standard input" : path);
	if (fstat(fd, &st) < 0)
		return berr_errno(err, "stat %s", is_stdin ? "standard input" : path);
	if (S_ISDIR(st.st_mode)) {
		src->dirfd = steal_fd(fd);
		return 0;
	}
	if (S_ISREG(st.st_mode)) {
		src->tarfd = steal_fd(fd);
	} else {
		/* a pipe cannot be read twice: keep a copy to seek in */
		src->tarfd = copy_to_tmpfile(s, fd, err);
		if (src->tarfd < 0)
			return -1;
	}
	if (tar_index(src, err) < 0) {
		archive_src_close(src);
		return -1;
	}
	return 0;
}

void archive_src_close(struct archive_src *src)
{
	closep(&src->dirfd);
	closep(&src->tarfd);
	tar_entries_free(src);
}

static int dir_open_file(struct archive_src *src, const char *name, int64_t *size, berr_t *err)
{
	_cleanup_close_ int fd = openat_in_root(src->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
	struct stat st;

	if (fd < 0) {
		if (errno == ENOENT)
			return -ENOENT;
		return berr_errno(err, "open %s", name);
	}
	if (fstat(fd, &st) < 0)
		return berr_errno(err, "stat %s", name);
	if (!S_ISREG(st.st_mode))
		return -ENOENT;
	*size = st.st_size;
	return steal_fd(fd);
}

bool archive_src_has(struct archive_src *src, const char *name)
{
	_cleanup_berr_ berr_t err = NULL;
	_cleanup_close_ int fd = -1;
	int64_t size;

	if (src->dirfd < 0)
		return tar_find(src, name) != NULL;
	fd = dir_open_file(src, name, &size, &err);
	return fd >= 0;
}

int archive_src_stream(struct archive_src *src, const char *name, archive_sink_fn fn, void *ctx,
		       int64_t *size, berr_t *err)
{
	_cleanup_archive_ struct archive *a = NULL;
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = malloc(CHUNK);
	int64_t total = 0;
	ssize_t n;

	if (!buf)
		return berr_set(err, ENOMEM, "read %s", name);
	if (src->dirfd >= 0) {
		int64_t st_size;

		fd = dir_open_file(src, name, &st_size, err);
		if (fd == -ENOENT)
			return berr_set(err, ENOENT, "%s", name);
		if (fd < 0)
			return fd;
	} else {
		const struct tar_entry *t = tar_find(src, name);

		if (!t)
			return berr_set(err, ENOENT, "%s", name);
		if (tar_seek(src, t, &a, err) < 0)
			return berr_prefix(err, "%s", name);
	}
	for (;;) {
		if (a) {
			n = archive_read_data(a, buf, CHUNK);
			if (n < 0)
				return berr_fail(err, "read %s: %s", name, archive_error_string(a));
		} else {
			n = read(fd, buf, CHUNK);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				return berr_errno(err, "read %s", name);
			}
		}
		if (n == 0)
			break;
		total += n;
		if (fn(ctx, buf, (size_t)n, err) < 0)
			return berr_prefix(err, "%s", name);
	}
	if (size)
		*size = total;
	return 0;
}

struct mem_sink {
	char *buf;
	size_t len, max;
};

static int mem_sink(void *ctx, const void *buf, size_t len, berr_t *err)
{
	struct mem_sink *m = ctx;
	char *n;

	if (len > m->max - m->len)
		return berr_set(err, EFBIG, "larger than %zu bytes", m->max);
	n = realloc(m->buf, m->len + len + 1);
	if (!n)
		return berr_set(err, ENOMEM, "read");
	memcpy(n + m->len, buf, len);
	m->buf = n;
	m->len += len;
	m->buf[m->len] = '\0';
	return 0;
}

int archive_src_read(struct archive_src *src, const char *name, size_t max, char **buf,
		     size_t *len, berr_t *err)
{
	struct mem_sink m = { .max = max };
	int r;

	if (!archive_src_has(src, name))
		return berr_set(err, ENOENT, "%s", name);
	r = archive_src_stream(src, name, mem_sink, &m, NULL, err);
	if (r < 0) {
		free(m.buf);
		return r;
	}
	if (!m.buf) {
		m.buf = strdup("");
		if (!m.buf)
			return berr_set(err, ENOMEM, "read %s", name);
	}
	*buf = m.buf;
	if (len)
		*len = m.len;
	return 0;
}
