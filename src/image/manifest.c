/* SPDX-License-Identifier: GPL-2.0-or-later */
/* STUB: to be implemented */
#include <errno.h>
#include <stdlib.h>
#include "image.h"

int manifest_kind(const char *buf, size_t len, const char *media_type, enum manifest_kind *kind, berr_t *err) { (void)buf; (void)len; (void)media_type; (void)kind; return berr_set(err, ENOSYS, "not implemented"); }
int manifest_parse(const char *buf, size_t len, struct manifest *m, berr_t *err) { (void)buf; (void)len; (void)m; return berr_set(err, ENOSYS, "not implemented"); }
void manifest_clear(struct manifest *m) { (void)m; }
int index_select(const char *buf, size_t len, const char *platform, struct descriptor *out, berr_t *err) { (void)buf; (void)len; (void)platform; (void)out; return berr_set(err, ENOSYS, "not implemented"); }
void descriptor_clear(struct descriptor *d) { (void)d; }
int config_diff_ids(const char *config, size_t len, char ***diff_ids, size_t *n, berr_t *err) { (void)config; (void)len; (void)diff_ids; (void)n; return berr_set(err, ENOSYS, "not implemented"); }
