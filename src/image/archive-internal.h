/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_ARCHIVE_INTERNAL_H
#define BERTH_ARCHIVE_INTERNAL_H

/*
 * Internal to the archive code (load/save).  An archive source gives the
 * files of an OCI layout directory or of a tar by name, without extracting
 * anything to disk by path: a tar is indexed once, then each file is read by
 * seeking back to the start and skipping to its entry.
 */

#include "image.h"

/* bounds on what an archive may make us do */
#define ARCHIVE_MAX_ENTRIES 100000
#define ARCHIVE_MAX_NAME 4096
#define ARCHIVE_MAX_JSON (8u << 20)     /* manifests, indexes, configs */

struct tar_entry {
	char *name;             /* normalised: no "./", no trailing '/' */
	char *link;             /* symlink/hardlink target, normalised to an archive path */
	int64_t size;
	size_t ordinal;         /* position in the tar, counting every header */
	bool regular;
};

struct archive_src {
	int dirfd;              /* OCI layout directory, or -1 */
	int tarfd;              /* seekable tar (a copy of stdin lands in tmp/), or -1 */
	struct tar_entry *ents;
	size_t n_ents;
};

/* Open path (NULL or "-": stdin, copied to an unlinked file in the store's
 * tmp/) as a directory or a tar. */
int archive_src_open(struct berth_store *s, const char *path, struct archive_src *src,
		     berr_t *err);
void archive_src_close(struct archive_src *src);
bool archive_src_has(struct archive_src *src, const char *name);
/* Whole file into memory (NUL-terminated); -ENOENT when absent, -EFBIG over max. */
int archive_src_read(struct archive_src *src, const char *name, size_t max, char **buf,
		     size_t *len, berr_t *err);
/* Stream a file to fn in chunks; fn's failure stops the copy. */
typedef int (*archive_sink_fn)(void *ctx, const void *buf, size_t len, berr_t *err);
int archive_src_stream(struct archive_src *src, const char *name, archive_sink_fn fn, void *ctx,
		       int64_t *size, berr_t *err);

/* A path named by an archive's own metadata (manifest.json): normalised to
 * an archive path, or refused when it is absolute or climbs out. */
int archive_path_clean(const char *in, char **out, berr_t *err);

#endif
