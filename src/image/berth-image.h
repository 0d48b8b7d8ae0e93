/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_IMAGE_H
#define BERTH_IMAGE_H

/*
 * libberth-image: OCI and Docker images.  A content-addressed store of blobs
 * and unpacked layers under one root (default /var/lib/berth), an index of
 * images and their names, and the ways in: registries (pull/push) and
 * archives (load/save).  Knows nothing of containers beyond "held by".
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "../util/error.h"

#define BERTH_STORE_DEFAULT_ROOT "/var/lib/berth"
#define BERTH_DEFAULT_PLATFORM "linux/amd64"

struct berth_store;

/* Open (creating if needed) the store under root; NULL means the default. */
int berth_store_open(const char *root, struct berth_store **out, berr_t *err);
void berth_store_close(struct berth_store *s);
const char *berth_store_root(const struct berth_store *s);

/* An image reference, normalised as docker does:
 *   busybox              -> docker.io / library/busybox : latest
 *   host:5000/a/b@sha256:... -> host:5000 / a/b, digest set, tag NULL */
struct berth_ref {
	char *domain;
	char *path;
	char *tag;      /* NULL when only a digest was given */
	char *digest;   /* "sha256:<hex>" or NULL */
};
int berth_ref_parse(const char *s, struct berth_ref *r, berr_t *err);
/* "domain/path:tag", "domain/path@digest" or "domain/path:tag@digest" */
char *berth_ref_format(const struct berth_ref *r);
void berth_ref_clear(struct berth_ref *r);

/* One image of the store.  Strings are owned by the struct. */
struct berth_image {
	char *id;               /* config digest, "sha256:<hex>" */
	char *manifest_digest;
	char *manifest_type;    /* media type of the stored manifest */
	char **names;           /* NULL-terminated normalised references */
	char *config_json;      /* the image config blob */
	size_t n_layers;
	char **diff_ids;        /* n_layers, bottom layer first */
	char **layer_dirs;      /* n_layers absolute paths of the unpacked layers */
	int64_t created;        /* unix time the image entered the store */
	uint64_t size;          /* sum of the compressed layer sizes + config */
};
void berth_image_free(struct berth_image *img);

/* By name ("busybox", "host/x:1"), by digest reference (x@sha256:...), by
 * full or short (≥ 4 hex) id.  -ENOENT when there is none. */
int berth_image_lookup(struct berth_store *s, const char *name, struct berth_image **out,
		       berr_t *err);
int berth_image_list(struct berth_store *s, struct berth_image ***out, size_t *n, berr_t *err);
void berth_image_list_free(struct berth_image **v, size_t n);
int berth_image_tag(struct berth_store *s, const char *image, const char *new_name, berr_t *err);
/* rmi: by name removes that name (the image goes with its last name); by id
 * removes the image.  An image held by a container is refused (-EBUSY)
 * unless force. */
int berth_image_remove(struct berth_store *s, const char *name, bool force, berr_t *err);
/* Drop images without a name (all: also those not held), then every blob and
 * layer no image references.  *freed: bytes given back. */
int berth_image_prune(struct berth_store *s, bool all, uint64_t *freed, berr_t *err);
/* A container (holder: its id) uses an image: rmi refuses it meanwhile. */
int berth_image_hold(struct berth_store *s, const char *image_id, const char *holder,
		     berr_t *err);
int berth_image_release(struct berth_store *s, const char *holder, berr_t *err);

/* Registries, OCI distribution API v2. */
enum berth_progress { BERTH_PROGRESS_QUIET, BERTH_PROGRESS_LINES, BERTH_PROGRESS_BARS };
struct berth_registry_opts {
	const char *platform;   /* "os/arch[/variant]", default BERTH_DEFAULT_PLATFORM */
	const char *authfile;   /* default: $REGISTRY_AUTH_FILE, then /run/containers/0/auth.json */
	const char *creds;      /* "user:password", overrides the authfile */
	const char *cert_dir;   /* overrides /etc/containers/certs.d/HOST[:PORT] */
	int tls_verify;         /* -1 default: verify; 0: plain HTTP or unverified TLS */
	enum berth_progress progress;
	FILE *out;              /* progress and messages; NULL = stderr */
};
/* Pull ref into the store; *image_id (may be NULL) gets the config digest. */
int berth_pull(struct berth_store *s, const char *ref, const struct berth_registry_opts *o,
	       char **image_id, berr_t *err);
int berth_push(struct berth_store *s, const char *image, const char *dest,
	       const struct berth_registry_opts *o, berr_t *err);
/* Check the credentials against the registry, then store them in the authfile. */
int berth_login(const char *registry, const char *user, const char *password,
		const struct berth_registry_opts *o, berr_t *err);
int berth_logout(const char *registry, const struct berth_registry_opts *o, berr_t *err);

/* Archives.  load: OCI layout (directory or tar) or docker-archive tar,
 * detected from the content; *names gets what was loaded (NULL-terminated). */
enum berth_archive_format { BERTH_ARCHIVE_OCI_DIR, BERTH_ARCHIVE_OCI_TAR, BERTH_ARCHIVE_DOCKER };
int berth_load(struct berth_store *s, const char *path, char ***names, berr_t *err);
int berth_save(struct berth_store *s, char *const *images, enum berth_archive_format fmt,
	       const char *path, berr_t *err);

#endif
