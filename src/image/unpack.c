/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Layer streams: decompress, hash, extract.
 *
 * Two libarchive readers: the outer one only decompresses (gzip or zstd,
 * detected; format "raw"), the tar reader pulls from it through a callback
 * that hashes every byte it hands over, so the diff_id is the sha256 of the
 * uncompressed stream exactly as the producer wrote it, padding and all,
 * without a second pass.  archive_write_disk is not used: unpack-entry.c
 * does the writing, resolving every path inside the layer.
 *
 * On error the layer directory holds a partial tree; the caller discards it
 * (layer_unpack does).
 */
#include "image.h"
#include "dl.h"
#include "unpack.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define UNPACK_BUF (1U << 20)
#define DEFAULT_MAX_BYTES (16ULL << 30)
#define DEFAULT_MAX_ENTRIES 1000000ULL
/* Headers, pax records and padding an entry may add to the stream on top of
 * its data, and the slack of the final tar record. */
#define ENTRY_OVERHEAD 8192ULL
#define STREAM_SLACK (1ULL << 20)

struct stream {
	struct archive *outer;
	EVP_MD_CTX *md;
	uint64_t bytes, max;
	int errnum;                     /* why the outer reader failed, when it did */
	char errmsg[256];
};

static int stream_fail(struct stream *st, int errnum, const char *msg)
{
	st->errnum = errnum;
	snprintf(st->errmsg, sizeof(st->errmsg), "%s", msg ? msg : "corrupt or truncated layer stream");
	return -1;
}

static int stream_take(struct stream *st, const void *buf, size_t len)
{
	st->bytes += len;
	if (st->bytes > st->max) {
		snprintf(st->errmsg, sizeof(st->errmsg),
			 "uncompressed layer larger than %llu bytes", (unsigned long long)st->max);
		st->errnum = EFBIG;
		return -1;
	}
	if (EVP_DigestUpdate(st->md, buf, len) != 1)
		return stream_fail(st, ENOMEM, "sha256 update");
	return 0;
}

/* The tar reader's source: the outer reader's blocks, hashed on the way. */
static la_ssize_t stream_read(struct archive *inner, void *data, const void **buf)
{
	struct stream *st = data;
	size_t len;
	la_int64_t off;
	int r;

	(void)inner;
	if (st->errmsg[0])
		return -1;
	r = archive_read_data_block(st->outer, buf, &len, &off);
	if (r == ARCHIVE_EOF)
		return 0;
	if (r != ARCHIVE_OK)
		return stream_fail(st, 0, archive_error_string(st->outer));
	if (stream_take(st, *buf, len) < 0)
		return -1;
	return (la_ssize_t)len;
}

/* Bytes after the end-of-archive blocks are part of the diff_id too. */
static int stream_drain(struct stream *st)
{
	for (;;) {
		const void *buf;
		size_t len;
		la_int64_t off;
		int r = archive_read_data_block(st->outer, &buf, &len, &off);

		if (r == ARCHIVE_EOF)
			return 0;
		if (r != ARCHIVE_OK)
			return stream_fail(st, 0, archive_error_string(st->outer));
		if (stream_take(st, buf, len) < 0)
			return -1;
	}
}

static void hex_digest(EVP_MD_CTX *md, char out[DIGEST_LEN + 1])
{
	unsigned char sum[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	EVP_DigestFinal_ex(md, sum, &n);
	memcpy(out, "sha256:", 7);
	for (unsigned int i = 0; i < n && i < 32; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", sum[i]);
	out[DIGEST_LEN] = '\0';
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* The tar reader failed: the outer reader's reason, if it had one, is the
 * real one (libarchive reports it as a truncated archive). */
static int tar_error(struct stream *st, struct archive *ar, berr_t *err)
{
	if (st->errmsg[0])
		return berr_set(err, st->errnum, "%s", st->errmsg);
	/* archive_errno is often a leftover errno: the message says it all */
	return berr_fail(err, "%s", archive_error_string(ar) ? archive_error_string(ar) :
			 "corrupt or truncated layer stream");
}

static int open_outer(struct stream *st, int in_fd, berr_t *err)
{
	struct archive_entry *oe;
	int r;

	st->outer = archive_read_new();
	if (!st->outer)
		return dl_archive_load(err) ?: berr_set(err, ENOMEM, "archive reader");
	/* only what layers use: no filter that runs an external program */
	if (archive_read_support_filter_gzip(st->outer) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(st->outer) != ARCHIVE_OK ||
	    archive_read_support_format_raw(st->outer) != ARCHIVE_OK)
		return berr_fail(err, "archive reader: %s", archive_error_string(st->outer));
	if (archive_read_open_fd(st->outer, in_fd, UNPACK_BUF) != ARCHIVE_OK)
		return berr_fail(err, "%s", archive_error_string(st->outer));
	r = archive_read_next_header(st->outer, &oe);
	if (r != ARCHIVE_OK)
		return berr_fail(err, "%s", r == ARCHIVE_EOF ? "empty layer stream" :
				 archive_error_string(st->outer));
	return 0;
}

static int extract_all(struct unpack *u, struct stream *st, uint64_t max_entries, berr_t *err)
{
	uint64_t entries = 0;

	for (;;) {
		struct archive_entry *e;
		int r = archive_read_next_header(u->ar, &e);

		if (r == ARCHIVE_EOF)
			return 0;
		/* ARCHIVE_WARN: a name not in the locale's charset, and the like */
		if (r < ARCHIVE_WARN)
			return tar_error(st, u->ar, err);
		if (++entries > max_entries)
			return berr_set(err, EFBIG, "layer has more than %llu entries",
					(unsigned long long)max_entries);
		if (unpack_entry(u, e, err) < 0) {
			/* a short read inside an entry is the stream's fault */
			if (st->errmsg[0])
				return berr_set(err, st->errnum, "%s: %s",
						archive_entry_pathname(e), st->errmsg);
			return -1;
		}
	}
}

int unpack_tar(int in_fd, int dest_dirfd, const struct unpack_limits *lim,
	       char diff_id[DIGEST_LEN + 1], berr_t *err)
{
	struct stream st = { 0 };
	struct unpack *u;
	uint64_t max_entries = lim && lim->max_entries ? lim->max_entries : DEFAULT_MAX_ENTRIES;
	int ret = -1;

	/* big: four PATH_MAX buffers */
	u = calloc(1, sizeof(*u));
	if (!u)
		return berr_errno(err, "unpack");
	u->dest = dest_dirfd;
	u->parent_fd = -1;
	u->max_bytes = lim && lim->max_bytes ? lim->max_bytes : DEFAULT_MAX_BYTES;
	st.max = add_sat(u->max_bytes, STREAM_SLACK);
	st.max = add_sat(st.max, max_entries > UINT64_MAX / ENTRY_OVERHEAD ? UINT64_MAX :
			 max_entries * ENTRY_OVERHEAD);

	st.md = EVP_MD_CTX_new();
	if (!st.md || EVP_DigestInit_ex(st.md, EVP_sha256(), NULL) != 1) {
		if (dl_crypto_load(err) == 0)
			berr_set(err, ENOMEM, "sha256");
		goto out;
	}
	if (open_outer(&st, in_fd, err) < 0)
		goto out;
	u->ar = archive_read_new();
	if (!u->ar) {
		berr_set(err, ENOMEM, "archive reader");     /* loaded for st.outer */
		goto out;
	}
	archive_read_support_format_tar(u->ar);
	if (archive_read_open(u->ar, &st, NULL, stream_read, NULL) != ARCHIVE_OK) {
		tar_error(&st, u->ar, err);
		goto out;
	}
	if (extract_all(u, &st, max_entries, err) < 0)
		goto out;
	if (stream_drain(&st) < 0) {
		berr_set(err, st.errnum, "%s", st.errmsg);
		goto out;
	}
	unpack_dir_times(u);
	if (diff_id)
		hex_digest(st.md, diff_id);
	ret = 0;
out:
	if (u->ar)
		archive_read_free(u->ar);
	if (st.outer)
		archive_read_free(st.outer);
	EVP_MD_CTX_free(st.md);
	unpack_release(u);
	free(u);
	return ret;
}

/* Local check of "sha256:" + 64 lowercase hex, so that the hex part is a
 * safe single path component. */
static bool diff_id_valid(const char *d)
{
	if (!d || strncmp(d, "sha256:", 7) || strlen(d) != DIGEST_LEN)
		return false;
	for (const char *p = d + 7; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

/* Read in_fd to its end, so that a producer writing into it finishes. */
static int drain_fd(int in_fd, berr_t *err)
{
	_cleanup_free_ char *buf = malloc(UNPACK_BUF);

	if (!buf)
		return berr_errno(err, "drain layer stream");
	for (;;) {
		ssize_t n = read(in_fd, buf, UNPACK_BUF);

		if (n == 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return berr_errno(err, "drain layer stream");
	}
}

static int make_tmp_dir(int root_fd, char *name, size_t size, berr_t *err)
{
	if (mkdirat(root_fd, "tmp", 0700) < 0 && errno != EEXIST)
		return berr_errno(err, "mkdir tmp");
	for (int tries = 0; tries < 16; tries++) {
		unsigned long long rnd;

		if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
			rnd = (unsigned long long)time(NULL) ^ ((unsigned long long)tries << 32);
		/* "<pid>-" first: the store's tmp/ sweep removes those of dead pids */
		snprintf(name, size, "tmp/%d-layer-%016llx", (int)getpid(), rnd);
		if (mkdirat(root_fd, name, 0755) == 0)
			return 0;
		if (errno != EEXIST)
			return berr_errno(err, "mkdir %s", name);
	}
	return berr_set(err, EEXIST, "mkdir tmp/%d-layer-*", (int)getpid());
}

int layer_unpack(struct berth_store *s, int in_fd, const char *want_diff_id,
		 const struct unpack_limits *lim, berr_t *err)
{
	char final[sizeof("layers/") + 64], tmp[64], got[DIGEST_LEN + 1];
	_cleanup_berr_ berr_t cleanup_err = NULL;
	int dfd, ret;

	if (!diff_id_valid(want_diff_id))
		return berr_fail(err, "unpack layer: invalid diff_id \"%s\"",
				 want_diff_id ? want_diff_id : "");
	snprintf(final, sizeof(final), "layers/%s", want_diff_id + 7);
	if (faccessat(s->root_fd, final, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return drain_fd(in_fd, err);
	if (mkdirat(s->root_fd, "layers", 0700) < 0 && errno != EEXIST)
		return berr_errno(err, "unpack layer: mkdir layers");
	if (make_tmp_dir(s->root_fd, tmp, sizeof(tmp), err) < 0)
		return berr_prefix(err, "unpack layer %.19s", want_diff_id);

	dfd = openat(s->root_fd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		ret = berr_errno(err, "open %s", tmp);
	} else {
		ret = unpack_tar(in_fd, dfd, lim, got, err);
		close(dfd);
	}
	if (ret == 0 && strcmp(got, want_diff_id))
		ret = berr_fail(err, "diff_id mismatch: layer is %s", got);
	if (ret == 0) {
		if (renameat(s->root_fd, tmp, s->root_fd, final) == 0)
			return 0;
		/* another process unpacked the same layer meanwhile: theirs stays */
		if (errno != EEXIST && errno != ENOTEMPTY)
			ret = berr_errno(err, "rename %s to %s", tmp, final);
	}
	remove_tree_at(s->root_fd, tmp, &cleanup_err);
	if (ret < 0)
		berr_prefix(err, "unpack layer %.19s", want_diff_id);
	return ret;
}
