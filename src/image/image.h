/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_IMAGE_INTERNAL_H
#define BERTH_IMAGE_INTERNAL_H

/*
 * Internal to libberth-image.
 *
 * Store layout under root:
 *   blobs/sha256/<hex>     immutable blobs, named by their digest
 *   layers/<hex>/          one unpacked layer each, <hex> of its diff_id
 *   tmp/                   blobs and layers being written; renamed into place
 *                          once verified, so a crash leaves only tmp/ garbage
 *   images.db              sqlite index: images, names, layers, holders
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "berth-image.h"

struct sqlite3;

struct berth_store {
	char *root;
	int root_fd;            /* O_PATH|O_DIRECTORY */
	struct sqlite3 *db;
	int lock_fd;            /* root/lock: shared while open, exclusive for prune's sweep */
};

/* berr_fail() that still tells the caller which errno it is (ENOENT, EBUSY,
 * ENOTSUP) without appending strerror to a message that already says it */
#define berr_fail_code(err, code, ...) ({                                       \
	berr_t *_e = (err);                                                     \
	berr_fail(_e, __VA_ARGS__);                                             \
	if (_e && *_e)                                                          \
		(*_e)->errnum = (code);                                         \
	-(code);                                                                \
})

/* digest.c — "sha256:" + 64 lowercase hex */
#define DIGEST_LEN (7 + 64)
int digest_check(const char *digest, berr_t *err);
/* hex part of a valid digest (digest + 7) */
const char *digest_hex(const char *digest);
struct sha256;
struct sha256 *sha256_new(void);
void sha256_update(struct sha256 *h, const void *buf, size_t len);
/* Finish into "sha256:<hex>" and free h. */
void sha256_final(struct sha256 *h, char out[static DIGEST_LEN + 1]);
void sha256_free(struct sha256 *h);
void sha256_buf(const void *buf, size_t len, char out[static DIGEST_LEN + 1]);

/* store.c — blobs.  A writer hashes as it writes into tmp/; commit checks the
 * digest (and size, when known) and renames into blobs/; abort unlinks. */
struct blob_writer;
int blob_begin(struct berth_store *s, const char *want_digest, int64_t want_size,
	       struct blob_writer **w, berr_t *err);
int blob_write(struct blob_writer *w, const void *buf, size_t len, berr_t *err);
/* Always frees w.  digest may be NULL. */
int blob_commit(struct blob_writer *w, char digest[DIGEST_LEN + 1], berr_t *err);
void blob_abort(struct blob_writer *w);
int blob_put(struct berth_store *s, const void *buf, size_t len, char digest[DIGEST_LEN + 1],
	     berr_t *err);
bool blob_has(struct berth_store *s, const char *digest);
/* O_RDONLY|O_CLOEXEC fd of a blob */
int blob_open(struct berth_store *s, const char *digest, berr_t *err);
int blob_read(struct berth_store *s, const char *digest, size_t max, char **buf, size_t *len,
	      berr_t *err);
int64_t blob_size(struct berth_store *s, const char *digest);

/* store.c — "tmp/<pid>-<what>-<unique>", relative to root_fd, malloc'd.  Name
 * everything made under tmp/ with it: opening the store removes the entries
 * of writers that are gone, and keeps those of live ones. */
char *store_tmp_name(const char *what);

/* store.c — unpacked layers */
bool layer_has(struct berth_store *s, const char *diff_id);
/* malloc'd absolute path root/layers/<hex> */
char *layer_dir(struct berth_store *s, const char *diff_id);

/* unpack.c — hostile-safe tar extraction */
struct unpack_limits {
	uint64_t max_bytes;     /* uncompressed file data; 0: default (16 GiB) */
	uint64_t max_entries;   /* 0: default (1,000,000) */
};
/*
 * Extract the tar stream on in_fd (gzip, zstd or uncompressed, detected)
 * into dest_dirfd.  Every path is resolved below dest_dirfd; whiteouts
 * (.wh.NAME, .wh..wh..opq) become overlayfs whiteouts (0/0 char devices,
 * trusted.overlay.opaque=y).  diff_id (may be NULL) gets the sha256 of the
 * uncompressed tar stream.
 */
int unpack_tar(int in_fd, int dest_dirfd, const struct unpack_limits *lim,
	       char diff_id[DIGEST_LEN + 1], berr_t *err);
/* unpack_tar into tmp/, check the diff_id against want_diff_id, rename to
 * layers/<hex>.  A layer already present is not unpacked again (in_fd is
 * drained, so a streaming producer is not left blocked). */
int layer_unpack(struct berth_store *s, int in_fd, const char *want_diff_id,
		 const struct unpack_limits *lim, berr_t *err);

/* manifest.c — manifests, indexes and image configs */
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define MT_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define MT_OCI_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define MT_DOCKER_LAYER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"
/* what a registry must be told we accept (see shared/clients README §2) */
#define MANIFEST_ACCEPT MT_OCI_MANIFEST ", " MT_OCI_INDEX ", " MT_DOCKER_MANIFEST ", " MT_DOCKER_LIST

struct descriptor {
	char *media_type;
	char *digest;
	int64_t size;
};
struct manifest {
	char *media_type;
	struct descriptor config;
	size_t n_layers;
	struct descriptor *layers;
};
enum manifest_kind { MANIFEST_IMAGE, MANIFEST_INDEX };
/* Kind from the media type (Content-Type or the body's mediaType). */
int manifest_kind(const char *buf, size_t len, const char *media_type, enum manifest_kind *kind,
		  berr_t *err);
int manifest_parse(const char *buf, size_t len, struct manifest *m, berr_t *err);
void manifest_clear(struct manifest *m);
/* The entry of an index/manifest list for platform "os/arch[/variant]". */
int index_select(const char *buf, size_t len, const char *platform, struct descriptor *out,
		 berr_t *err);
void descriptor_clear(struct descriptor *d);
/* rootfs.diff_ids of an image config (NULL-terminated) */
int config_diff_ids(const char *config, size_t len, char ***diff_ids, size_t *n, berr_t *err);

/* store-db.c — the sqlite index.  Every change is one transaction. */
struct image_record {
	const char *id;                 /* config digest */
	const char *manifest_digest;
	const char *manifest_type;
	uint64_t size;
	size_t n_layers;
	const char *const *diff_ids;    /* n_layers */
	const char *const *blob_digests; /* n_layers: compressed blobs (may be NULL) */
};
/* Record an image whose blobs and layers are all in place; name (may be
 * NULL) moves to it from any image that had it. */
int store_image_add(struct berth_store *s, const struct image_record *rec, const char *name,
		    berr_t *err);
int store_db_open(struct berth_store *s, berr_t *err);
void store_db_close(struct berth_store *s);

/* registry.c / archive.c */
/* "busybox" -> "docker.io/library/busybox:latest" (what names hold) */
char *ref_normalize(const char *s, berr_t *err);

#endif
