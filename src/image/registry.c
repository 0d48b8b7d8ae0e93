/* SPDX-License-Identifier: GPL-2.0-or-later */
/* STUB: to be implemented */
#include <errno.h>
#include <stdlib.h>
#include "image.h"

int berth_pull(struct berth_store *s, const char *ref, const struct berth_registry_opts *o, char **image_id, berr_t *err) { (void)s; (void)ref; (void)o; (void)image_id; return berr_set(err, ENOSYS, "not implemented"); }
int berth_push(struct berth_store *s, const char *image, const char *dest, const struct berth_registry_opts *o, berr_t *err) { (void)s; (void)image; (void)dest; (void)o; return berr_set(err, ENOSYS, "not implemented"); }
int berth_login(const char *registry, const char *user, const char *password, const struct berth_registry_opts *o, berr_t *err) { (void)registry; (void)user; (void)password; (void)o; return berr_set(err, ENOSYS, "not implemented"); }
int berth_logout(const char *registry, const struct berth_registry_opts *o, berr_t *err) { (void)registry; (void)o; return berr_set(err, ENOSYS, "not implemented"); }
