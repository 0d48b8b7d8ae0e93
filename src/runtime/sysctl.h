/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_SYSCTL_H
#define BERTH_SYSCTL_H

#include "spec.h"

/* linux.sysctl written under /proc/sys of the container (after pivot_root).
 * Keys are checked against namespaced sysctls, as runc does. */
int sysctl_apply(const struct spec *s, berr_t *err);

#endif
