/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The content store on disk: immutable blobs named by their digest, unpacked
 * layers named by their diff_id, and tmp/ where both are written before a
 * rename publishes them.  A writer that dies leaves only tmp/ entries behind;
 * their names start with the writer's pid, so the next open can tell a dead
 * writer's garbage from a live writer's work.
 */
#include "image.h"
#include "dl.h"
#include "util/cleanup.h"
#include "util/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

/* tmp/ entries without a pid prefix are somebody else's; only old ones go */
#define TMP_FOREIGN_MAX_AGE (24 * 3600)

struct blob_writer {
	struct berth_store *s;
	int fd;
	char tmp[64];           /* below root */
	struct sha256 *h;
	char want[DIGEST_LEN + 1];
	int64_t want_size;
	uint64_t written;
};

const char *berth_store_root(const struct berth_store *s)
{
	return s->root;
}

char *store_tmp_name(const char *what)
{
	static atomic_uint seq;
	uint64_t rnd = 0;
	char *s = NULL;

	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) < 0)
		rnd = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	if (asprintf(&s, "tmp/%d-%s-%u-%016llx", (int)getpid(), what, atomic_fetch_add(&seq, 1),
		     (unsigned long long)rnd) < 0)
		return NULL;
	return s;
}

/* "<pid>-..." of a process that no longer exists */
static bool tmp_entry_stale(int tmp_fd, const char *name)
{
	struct stat st;
	char *end;
	long pid;

	pid = strtol(name, &end, 10);
	if (end != name && *end == '-' && pid > 0 && pid <= INT_MAX)
		return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
	if (fstatat(tmp_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return false;
	return time(NULL) - st.st_mtime > TMP_FOREIGN_MAX_AGE;
}

static int tmp_clean(struct berth_store *s, berr_t *err)
{
	_cleanup_closedir_ DIR *d = NULL;
	int fd;

	fd = openat(s->root_fd, "tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return berr_errno(err, "open %s/tmp", s->root);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return berr_errno(err, "open %s/tmp", s->root);
	}
	for (struct dirent *de; (de = readdir(d));) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!tmp_entry_stale(dirfd(d), de->d_name))
			continue;
		if (remove_tree_at(dirfd(d), de->d_name, err) < 0)
			return berr_prefix(err, "clean %s/tmp", s->root);
	}
	return 0;
}

static int store_mkdirs(const char *root, berr_t *err)
{
	static const char *const dirs[] = { "blobs", "blobs/sha256", "layers", "tmp" };
	_cleanup_close_ int fd = -1;

	if (mkdir_p(root, 0700, err) < 0)
		return -1;
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return berr_errno(err, "open %s", root);
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (mkdirat(fd, dirs[i], 0700) < 0 && errno != EEXIST)
			return berr_errno(err, "mkdir %s/%s", root, dirs[i]);
	return 0;
}

int berth_store_open(const char *root, struct berth_store **out, berr_t *err)
{
	struct berth_store *s;

	if (!root)
		root = BERTH_STORE_DEFAULT_ROOT;
	if (!*root)
		return berr_fail(err, "store root must not be empty");
	if (store_mkdirs(root, err) < 0)
		return -1;
	s = calloc(1, sizeof(*s));
	if (!s)
		return berr_errno(err, "open store %s", root);
	s->root_fd = -1;
	s->lock_fd = -1;
	/* layer_dir hands out absolute paths: they outlive our cwd */
	s->root = realpath(root, NULL);
	if (!s->root) {
		berr_errno(err, "resolve %s", root);
		goto fail;
	}
	s->root_fd = open(s->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->root_fd < 0) {
		berr_errno(err, "open %s", s->root);
		goto fail;
	}
	/* shared while open: prune sweeps unreferenced files at once only when it
	 * is alone, since another process may be writing blobs not yet indexed */
	s->lock_fd = openat(s->root_fd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (s->lock_fd < 0 || flock(s->lock_fd, LOCK_SH) < 0) {
		berr_errno(err, "lock %s/lock", s->root);
		goto fail;
	}
	if (store_db_open(s, err) < 0)
		goto fail;
	if (tmp_clean(s, err) < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	berth_store_close(s);
	/* every inner error names the path; the caller says "open the store" */
	return err && *err ? -berr_code(*err) : -EIO;
}

void berth_store_close(struct berth_store *s)
{
	if (!s)
		return;
	store_db_close(s);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	if (s->root_fd >= 0)
		close(s->root_fd);
	free(s->root);
	free(s);
}

/* blobs/sha256/<hex> of a digest already checked */
static void blob_path(const char *digest, char out[static 16 + 64 + 1])
{
	snprintf(out, 16 + 64 + 1, "blobs/sha256/%s", digest_hex(digest));
}

int blob_begin(struct berth_store *s, const char *want_digest, int64_t want_size,
	       struct blob_writer **out, berr_t *err)
{
	_cleanup_free_ char *tmp = NULL;
	struct blob_writer *w;

	if (want_digest && digest_check(want_digest, err) < 0)
		return berr_prefix(err, "write blob");
	tmp = store_tmp_name("blob");
	if (!tmp)
		return berr_errno(err, "write blob");
	w = calloc(1, sizeof(*w));
	if (!w)
		return berr_errno(err, "write blob");
	w->s = s;
	w->want_size = want_size;
	if (want_digest)
		memcpy(w->want, want_digest, DIGEST_LEN + 1);
	snprintf(w->tmp, sizeof(w->tmp), "%s", tmp);
	w->h = sha256_new();
	if (!w->h) {
		free(w);
		return dl_crypto_load(err) ?: berr_set(err, ENOMEM, "write blob: sha256");
	}
	w->fd = openat(s->root_fd, w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (w->fd < 0) {
		int ret = berr_errno(err, "write blob: create %s/%s", s->root, w->tmp);

		sha256_free(w->h);
		free(w);
		return ret;
	}
	*out = w;
	return 0;
}

int blob_write(struct blob_writer *w, const void *buf, size_t len, berr_t *err)
{
	/* a sender that overruns the announced size is cut off here, not at commit */
	if (w->want_size >= 0 && w->written + len > (uint64_t)w->want_size)
		return berr_fail(err, "write blob %s: more than the expected %lld bytes",
				 w->want[0] ? w->want : "(unnamed)", (long long)w->want_size);
	if (write_all(w->fd, buf, len) < 0)
		return berr_errno(err, "write blob %s/%s", w->s->root, w->tmp);
	sha256_update(w->h, buf, len);
	w->written += len;
	return 0;
}

void blob_abort(struct blob_writer *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	unlinkat(w->s->root_fd, w->tmp, 0);
	sha256_free(w->h);
	free(w);
}

int blob_commit(struct blob_writer *w, char digest[DIGEST_LEN + 1], berr_t *err)
{
	char got[DIGEST_LEN + 1], path[16 + 64 + 1];
	int ret;

	sha256_final(w->h, got);
	w->h = NULL;
	if (w->want_size >= 0 && w->written != (uint64_t)w->want_size) {
		ret = berr_fail(err, "blob %s: size %llu, expected %lld", got,
				(unsigned long long)w->written, (long long)w->want_size);
		goto fail;
	}
	if (w->want[0] && strcmp(w->want, got)) {
		ret = berr_fail(err, "blob digest mismatch: expected %s, got %s", w->want, got);
		goto fail;
	}
	/* the rename publishes the blob: its content must be on disk first */
	if (fsync(w->fd) < 0) {
		ret = berr_errno(err, "write blob %s", got);
		goto fail;
	}
	blob_path(got, path);
	if (renameat(w->s->root_fd, w->tmp, w->s->root_fd, path) < 0) {
		ret = berr_errno(err, "store blob %s", got);
		goto fail;
	}
	close(w->fd);
	w->fd = -1;
	free(w);
	if (digest)
		memcpy(digest, got, DIGEST_LEN + 1);
	return 0;
fail:
	blob_abort(w);
	return ret;
}

int blob_put(struct berth_store *s, const void *buf, size_t len, char digest[DIGEST_LEN + 1],
	     berr_t *err)
{
	struct blob_writer *w;

	if (blob_begin(s, NULL, (int64_t)len, &w, err) < 0)
		return -1;
	if (blob_write(w, buf, len, err) < 0) {
		blob_abort(w);
		return -1;
	}
	return blob_commit(w, digest, err);
}

bool blob_has(struct berth_store *s, const char *digest)
{
	char path[16 + 64 + 1];
	struct stat st;

	if (digest_check(digest, NULL) < 0)
		return false;
	blob_path(digest, path);
	return fstatat(s->root_fd, path, &st, 0) == 0 && S_ISREG(st.st_mode);
}

int blob_open(struct berth_store *s, const char *digest, berr_t *err)
{
	char path[16 + 64 + 1];
	int fd;

	if (digest_check(digest, err) < 0)
		return berr_prefix(err, "open blob");
	blob_path(digest, path);
	fd = openat(s->root_fd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return berr_errno(err, "open blob %s", digest);
	return fd;
}

int blob_read(struct berth_store *s, const char *digest, size_t max, char **buf, size_t *len,
	      berr_t *err)
{
	char path[16 + 64 + 1];

	if (digest_check(digest, err) < 0)
		return berr_prefix(err, "read blob");
	blob_path(digest, path);
	if (read_file_at(s->root_fd, path, max, buf, len, err) < 0)
		return berr_prefix(err, "read blob %s", digest);
	return 0;
}

int64_t blob_size(struct berth_store *s, const char *digest)
{
	char path[16 + 64 + 1];
	struct stat st;

	if (digest_check(digest, NULL) < 0)
		return -1;
	blob_path(digest, path);
	if (fstatat(s->root_fd, path, &st, 0) < 0 || !S_ISREG(st.st_mode))
		return -1;
	return st.st_size;
}

bool layer_has(struct berth_store *s, const char *diff_id)
{
	char path[8 + 64 + 1];
	struct stat st;

	if (digest_check(diff_id, NULL) < 0)
		return false;
	snprintf(path, sizeof(path), "layers/%s", digest_hex(diff_id));
	return fstatat(s->root_fd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

char *layer_dir(struct berth_store *s, const char *diff_id)
{
	char *p = NULL;

	if (digest_check(diff_id, NULL) < 0)
		return NULL;
	if (asprintf(&p, "%s/layers/%s", s->root, digest_hex(diff_id)) < 0)
		return NULL;
	return p;
}
