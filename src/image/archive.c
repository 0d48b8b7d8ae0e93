/* SPDX-License-Identifier: GPL-2.0-or-later */
/* STUB: to be implemented */
#include <errno.h>
#include <stdlib.h>
#include "image.h"

int berth_load(struct berth_store *s, const char *path, char ***names, berr_t *err) { (void)s; (void)path; (void)names; return berr_set(err, ENOSYS, "not implemented"); }
int berth_save(struct berth_store *s, char *const *images, enum berth_archive_format fmt, const char *path, berr_t *err) { (void)s; (void)images; (void)fmt; (void)path; return berr_set(err, ENOSYS, "not implemented"); }
