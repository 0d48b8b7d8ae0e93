/* SPDX-License-Identifier: GPL-2.0-or-later */
/* STUB: to be implemented */
#include <errno.h>
#include <stdlib.h>
#include "image.h"

int berth_ref_parse(const char *s, struct berth_ref *r, berr_t *err) { (void)s; (void)r; return berr_set(err, ENOSYS, "not implemented"); }
char *berth_ref_format(const struct berth_ref *r) { (void)r; return NULL; }
void berth_ref_clear(struct berth_ref *r) { (void)r; }
char *ref_normalize(const char *s, berr_t *err) { (void)s; berr_set(err, ENOSYS, "not implemented"); return NULL; }
