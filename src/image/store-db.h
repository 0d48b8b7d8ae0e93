/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_STORE_DB_H
#define BERTH_STORE_DB_H

/*
 * Queries of the sqlite index, for image.c.  Every function that changes the
 * index does it in one BEGIN IMMEDIATE transaction, so a crash leaves either
 * all of a change or none of it.  Lookups return -ENOENT (with *err set)
 * when nothing matches.
 */
#include "image.h"

/* Fill id, manifest digest and type, names, diff_ids, created, size. */
int db_image_get(struct berth_store *s, const char *id, struct berth_image *img, berr_t *err);
/* Every image id, newest first (NULL-terminated). */
int db_image_ids(struct berth_store *s, char ***ids, berr_t *err);
int db_resolve_name(struct berth_store *s, const char *name, char **id, berr_t *err);
int db_resolve_manifest(struct berth_store *s, const char *digest, char **id, berr_t *err);
/* Unique image whose id hex starts with prefix; more than one is an error. */
int db_resolve_prefix(struct berth_store *s, const char *hex_prefix, char **id, berr_t *err);
/* Point name at image id, moving it from any other image. */
int db_tag(struct berth_store *s, const char *id, const char *name, berr_t *err);
/*
 * Drop name; the image goes with its last name.  A held image is refused
 * (-EBUSY) unless force; with force it loses the name but stays (dangling)
 * until released and pruned, as its layers are still in use.
 * *image_removed tells whether the image went too.
 */
int db_untag(struct berth_store *s, const char *name, bool force, bool *image_removed,
	     berr_t *err);
/* Drop the image and all its names, same hold rule as db_untag. */
int db_image_delete(struct berth_store *s, const char *id, bool force, bool *image_removed,
		    berr_t *err);
/* Drop unnamed images (all: every image) that nobody holds; *n: how many. */
int db_prune_images(struct berth_store *s, bool all, size_t *n, berr_t *err);
/* Everything images reference: blob digests (configs, manifests, layer blobs)
 * and layer diff_ids, each NULL-terminated. */
int db_referenced(struct berth_store *s, char ***blobs, char ***diff_ids, berr_t *err);
int db_hold(struct berth_store *s, const char *id, const char *holder, berr_t *err);
int db_release(struct berth_store *s, const char *holder, berr_t *err);

#endif
