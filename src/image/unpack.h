/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_IMAGE_UNPACK_H
#define BERTH_IMAGE_UNPACK_H

/*
 * Private to unpack.c (the stream, limits and layer_unpack) and
 * unpack-entry.c (one tar entry onto disk, whiteouts included).
 */

#include <limits.h>
#include <stdint.h>
#include <time.h>
#include "../util/error.h"

struct archive;
struct archive_entry;

struct dir_time {
	char *path;                     /* clean, dest-relative ("" is dest) */
	struct timespec ts[2];
};

struct unpack {
	int dest;                       /* the layer directory */
	struct archive *ar;             /* tar reader */
	uint64_t max_bytes, bytes;      /* declared file data so far */
	/* The parent directory of the last entry stays open: tar streams list
	 * siblings together, so most entries skip the path walk. */
	int parent_fd;
	char parent[PATH_MAX];
	/* Directory times, set once everything below them was written. */
	struct dir_time *dirs;
	size_t n_dirs, cap_dirs;
	char path[PATH_MAX];            /* clean path of the current entry */
	char dir[PATH_MAX];             /* its parent part */
	char link[PATH_MAX];            /* a clean hardlink target */
};

/* Extract the current entry of u->ar (header e) below u->dest. */
int unpack_entry(struct unpack *u, struct archive_entry *e, berr_t *err);
/* Set the recorded directory times; entries replaced since are skipped. */
void unpack_dir_times(struct unpack *u);
void unpack_release(struct unpack *u);

#endif
