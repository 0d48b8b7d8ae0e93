/* SPDX-License-Identifier: GPL-2.0-or-later */
/* STUB: to be implemented */
#include <errno.h>
#include <stdlib.h>
#include "image.h"

int unpack_tar(int in_fd, int dest_dirfd, const struct unpack_limits *lim, char diff_id[DIGEST_LEN + 1], berr_t *err) { (void)in_fd; (void)dest_dirfd; (void)lim; (void)diff_id; return berr_set(err, ENOSYS, "not implemented"); }
int layer_unpack(struct berth_store *s, int in_fd, const char *want_diff_id, const struct unpack_limits *lim, berr_t *err) { (void)s; (void)in_fd; (void)want_diff_id; (void)lim; return berr_set(err, ENOSYS, "not implemented"); }
