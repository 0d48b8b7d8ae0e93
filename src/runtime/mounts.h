/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_MOUNTS_H
#define BERTH_MOUNTS_H

/*
 * Internal to rootfs.c, mounts.c and devices.c (and the init, for the cgroup paths).
 *
 * Everything under the container's root is reached through an O_PATH fd of
 * the root and openat2(RESOLVE_IN_ROOT), so a symlink in the image can never
 * send a mount, a device node or a directory outside the rootfs.  Mounts are
 * then made onto the resolved fd: mount(2) through "/proc/self/fd/N", or
 * move_mount() straight onto the fd.
 */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include "spec.h"

/* "/proc/self/fd/N": mount(2) follows this magic link to the exact file of fd. */
#define PROCFD_LEN sizeof("/proc/self/fd/-2147483648")
void procfd_path(char buf[static PROCFD_LEN], int fd);

/* Is this process in a user namespace other than the initial one? */
bool in_user_namespace(void);

/*
 * O_PATH fd of the directory that will hold path's last component, creating
 * missing directories (0755) on the way; the component is copied to name.
 * Fails with EINVAL if path has no last component ("/", "/a/..").
 */
int mkparent_in_root(int root_fd, const char *path, char name[static NAME_MAX + 1],
		     berr_t *err);
/* O_PATH fd of path, created first if missing: a directory or an empty file. */
int mkpath_in_root(int root_fd, const char *path, bool is_dir, berr_t *err);

/* Detached copy of the mount tree at dfd/path (open_tree OPEN_TREE_CLONE);
 * returns -1 with errno set.  Attach it with attach_tree(). */
int clone_tree(int dfd, const char *path, bool recursive);
/* move_mount() the tree onto the file or directory of target_fd; -1/errno. */
int attach_tree(int tree_fd, int target_fd);
/* mount_setattr() on the mount of fd (its whole tree if recursive); -1/errno. */
int setattr_tree(int fd, uint64_t attr_set, uint64_t attr_clr, bool recursive);

/* Apply MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE [|MS_REC] to the mount at path. */
int set_propagation(const char *path, unsigned long propagation, berr_t *err);

/*
 * Record the container's own cgroup directory in every hierarchy, for the
 * "cgroup" mounts made later.  The init calls this once it is in its cgroup
 * and before it unshares its cgroup namespace (cgns: it will).
 */
int mounts_capture_cgroups(bool cgns, berr_t *err);

/* Mount one entry of config.json "mounts" below root_fd. */
int mount_entry(int root_fd, const struct spec_mount *m, berr_t *err);

/* "/dev", "//dev/" and "/dev/." all name /dev (no symlinks or ".." followed). */
bool path_is(const char *path, const char *want);
/* path is dir or below it, compared the same way (a path with ".." never is) */
bool path_within(const char *path, const char *dir);

#endif
