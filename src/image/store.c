/* SPDX-License-Identifier: GPL-2.0-or-later */
/* STUB: to be implemented */
#include <errno.h>
#include <stdlib.h>
#include "image.h"

int berth_store_open(const char *root, struct berth_store **out, berr_t *err) { (void)root; (void)out; return berr_set(err, ENOSYS, "not implemented"); }
void berth_store_close(struct berth_store *s) { (void)s; }
const char *berth_store_root(const struct berth_store *s) { return s->root; }
int blob_begin(struct berth_store *s, const char *want_digest, int64_t want_size, struct blob_writer **w, berr_t *err) { (void)s; (void)want_digest; (void)want_size; (void)w; return berr_set(err, ENOSYS, "not implemented"); }
int blob_write(struct blob_writer *w, const void *buf, size_t len, berr_t *err) { (void)w; (void)buf; (void)len; return berr_set(err, ENOSYS, "not implemented"); }
int blob_commit(struct blob_writer *w, char digest[DIGEST_LEN + 1], berr_t *err) { (void)w; (void)digest; return berr_set(err, ENOSYS, "not implemented"); }
void blob_abort(struct blob_writer *w) { (void)w; }
int blob_put(struct berth_store *s, const void *buf, size_t len, char digest[DIGEST_LEN + 1], berr_t *err) { (void)s; (void)buf; (void)len; (void)digest; return berr_set(err, ENOSYS, "not implemented"); }
bool blob_has(struct berth_store *s, const char *digest) { (void)s; (void)digest; return false; }
int blob_open(struct berth_store *s, const char *digest, berr_t *err) { (void)s; (void)digest; return berr_set(err, ENOSYS, "not implemented"); }
int blob_read(struct berth_store *s, const char *digest, size_t max, char **buf, size_t *len, berr_t *err) { (void)s; (void)digest; (void)max; (void)buf; (void)len; return berr_set(err, ENOSYS, "not implemented"); }
int64_t blob_size(struct berth_store *s, const char *digest) { (void)s; (void)digest; return -1; }
bool layer_has(struct berth_store *s, const char *diff_id) { (void)s; (void)diff_id; return false; }
char *layer_dir(struct berth_store *s, const char *diff_id) { (void)s; (void)diff_id; return NULL; }
