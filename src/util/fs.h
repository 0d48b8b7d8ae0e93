/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_FS_H
#define BERTH_FS_H

#include <stddef.h>
#include <sys/types.h>
#include "error.h"

/* Read a whole file (at most max bytes, NUL-terminated).  dirfd may be AT_FDCWD. */
int read_file_at(int dirfd, const char *path, size_t max, char **out, size_t *len, berr_t *err);
/* Write buf to path (O_CLOEXEC|O_TRUNC|O_CREAT with mode).  Used for proc/sys files too. */
int write_file_at(int dirfd, const char *path, const void *buf, size_t len, mode_t mode, berr_t *err);
/* Write to a temp file beside path, fsync-free rename into place. */
int write_file_atomic_at(int dirfd, const char *path, const void *buf, size_t len, mode_t mode,
			 berr_t *err);
/* mkdir -p; existing directories are fine. */
int mkdir_p(const char *path, mode_t mode, berr_t *err);
/* rm -rf of a directory tree below dirfd/name; does not cross mount points. */
int remove_tree_at(int dirfd, const char *name, berr_t *err);
/* write(2)/read(2) loops that retry on EINTR and short counts. */
ssize_t write_all(int fd, const void *buf, size_t len);
ssize_t read_all(int fd, void *buf, size_t len);
/* One write(2) of a value to a kernel interface file (cgroupfs, procfs):
 * those take a value per write, so a short write is an error, not a retry.
 * path names the file in errors. */
int write_value_fd(int fd, const char *path, const char *val, berr_t *err);
/* Open below root_fd, never escaping it (openat2 RESOLVE_IN_ROOT). */
int openat_in_root(int root_fd, const char *path, int flags, mode_t mode);

#endif
