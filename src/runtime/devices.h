/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_DEVICES_H
#define BERTH_DEVICES_H

#include <stdbool.h>
#include "spec.h"

/*
 * Populate a /dev that rootfs_prepare() mounted fresh: linux.devices, then
 * the default devices the runtime-spec requires (null, zero, full, random,
 * urandom, tty) unless already there, then the /dev/fd, std{in,out,err},
 * ptmx and core symlinks.  bind_nodes: bind-mount the host's nodes instead
 * of mknod(2), for user namespaces where mknod of a device is not allowed.
 */
int devices_setup(int root_fd, const struct spec *s, bool bind_nodes, berr_t *err);

#endif
