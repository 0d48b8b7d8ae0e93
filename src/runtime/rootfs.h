/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_ROOTFS_H
#define BERTH_ROOTFS_H

#include <stdbool.h>
#include "spec.h"

/*
 * The container's filesystem, built by the init process inside the container's
 * mount namespace.  Call order (see container-init.c):
 *
 *   rootfs_prepare()  - rootfsPropagation, rootfs bind-mounted on itself, every
 *                       entry of "mounts" in order, /dev (devices, symlinks);
 *                       all destinations resolved inside the rootfs.
 *   [createContainer hooks run here: host paths still visible]
 *   rootfs_pivot()    - pivot_root (MS_MOVE + chroot with no_pivot), cwd "/"
 *   rootfs_finalize() - maskedPaths, readonlyPaths, root.readonly
 *
 * rootfs is the absolute host path of the root (bundle-relative already resolved).
 */
/* cgroup_cb (may be NULL) runs once before the first cgroup mount: the init
 * must be in its cgroup by then. */
typedef int (*rootfs_cgroup_cb)(void *arg, berr_t *err);
/* Does the config mount a cgroup filesystem (not a bind)? */
bool rootfs_has_cgroup_mount(const struct spec *s);
int rootfs_prepare(const struct spec *s, const char *rootfs, rootfs_cgroup_cb cgroup_cb,
		   void *arg, berr_t *err);
int rootfs_pivot(const struct spec *s, const char *rootfs, bool no_pivot, berr_t *err);
int rootfs_finalize(const struct spec *s, berr_t *err);

/* Runtime side, on delete (and failed create): a container without a mount
 * namespace left its mounts in the host's, under one bind of the rootfs;
 * detach it.  A no-op for containers with a mount namespace. */
int rootfs_release_host(const struct spec *s, const char *rootfs);

#endif
