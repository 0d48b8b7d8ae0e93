/* SPDX-License-Identifier: GPL-2.0-or-later */
/* STUB: to be implemented */
#include <errno.h>
#include <stdlib.h>
#include "image.h"

int store_image_add(struct berth_store *s, const struct image_record *rec, const char *name, berr_t *err) { (void)s; (void)rec; (void)name; return berr_set(err, ENOSYS, "not implemented"); }
int store_db_open(struct berth_store *s, berr_t *err) { (void)s; return berr_set(err, ENOSYS, "not implemented"); }
void store_db_close(struct berth_store *s) { (void)s; }
