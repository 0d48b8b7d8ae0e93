/* SPDX-License-Identifier: GPL-2.0-or-later */
/* STUB: to be implemented */
#include <errno.h>
#include <stdlib.h>
#include "image.h"

void berth_image_free(struct berth_image *img) { (void)img; }
int berth_image_lookup(struct berth_store *s, const char *name, struct berth_image **out, berr_t *err) { (void)s; (void)name; (void)out; return berr_set(err, ENOSYS, "not implemented"); }
int berth_image_list(struct berth_store *s, struct berth_image ***out, size_t *n, berr_t *err) { (void)s; (void)out; (void)n; return berr_set(err, ENOSYS, "not implemented"); }
void berth_image_list_free(struct berth_image **v, size_t n) { (void)v; (void)n; }
int berth_image_tag(struct berth_store *s, const char *image, const char *new_name, berr_t *err) { (void)s; (void)image; (void)new_name; return berr_set(err, ENOSYS, "not implemented"); }
int berth_image_remove(struct berth_store *s, const char *name, bool force, berr_t *err) { (void)s; (void)name; (void)force; return berr_set(err, ENOSYS, "not implemented"); }
int berth_image_prune(struct berth_store *s, bool all, uint64_t *freed, berr_t *err) { (void)s; (void)all; (void)freed; return berr_set(err, ENOSYS, "not implemented"); }
int berth_image_hold(struct berth_store *s, const char *image_id, const char *holder, berr_t *err) { (void)s; (void)image_id; (void)holder; return berr_set(err, ENOSYS, "not implemented"); }
int berth_image_release(struct berth_store *s, const char *holder, berr_t *err) { (void)s; (void)holder; return berr_set(err, ENOSYS, "not implemented"); }
