/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libarchive, loaded on first use (see dl.h); also what berth's unit tests call. */
#include "dl.h"

#include <archive.h>
#include <archive_entry.h>

typedef struct archive *A;
typedef struct archive_entry *E;

#define FUNCS(X, V, C)                                                                 \
	C(archive_read_new) C(archive_write_new) C(archive_entry_new)                  \
	/* reading */                                                                  \
	X(int, archive_read_free, (A a), (a))                                          \
	X(int, archive_read_support_filter_all, (A a), (a))                            \
	X(int, archive_read_support_filter_gzip, (A a), (a))                           \
	X(int, archive_read_support_filter_zstd, (A a), (a))                           \
	X(int, archive_read_support_format_raw, (A a), (a))                            \
	X(int, archive_read_support_format_tar, (A a), (a))                            \
	X(int, archive_read_open_fd, (A a, int fd, size_t bs), (a, fd, bs))            \
	X(int, archive_read_open, (A a, void *d, archive_open_callback *o,             \
				   archive_read_callback *r, archive_close_callback *c),  \
	  (a, d, o, r, c))                                                             \
	X(int, archive_read_next_header, (A a, E *e), (a, e))                          \
	X(la_ssize_t, archive_read_data, (A a, void *b, size_t n), (a, b, n))          \
	X(int, archive_read_data_block, (A a, const void **b, size_t *n, la_int64_t *o), \
	  (a, b, n, o))                                                                \
	X(const char *, archive_error_string, (A a), (a))                              \
	/* writing */                                                                  \
	X(int, archive_write_free, (A a), (a))                                         \
	X(int, archive_write_close, (A a), (a))                                        \
	X(int, archive_write_set_format_pax, (A a), (a))                               \
	X(int, archive_write_set_format_pax_restricted, (A a), (a))                    \
	X(int, archive_write_add_filter_none, (A a), (a))                              \
	X(int, archive_write_set_bytes_in_last_block, (A a, int n), (a, n))            \
	X(int, archive_write_open_fd, (A a, int fd), (a, fd))                          \
	X(int, archive_write_open2, (A a, void *d, archive_open_callback *o,           \
				     archive_write_callback *w, archive_close_callback *c, \
				     archive_free_callback *f),                           \
	  (a, d, o, w, c, f))                                                          \
	X(int, archive_write_header, (A a, E e), (a, e))                               \
	X(la_ssize_t, archive_write_data, (A a, const void *b, size_t n), (a, b, n))   \
	/* entries */                                                                  \
	V(archive_entry_free, (E e), (e))                                              \
	X(const char *, archive_entry_pathname, (E e), (e))                            \
	X(const char *, archive_entry_hardlink, (E e), (e))                            \
	X(const char *, archive_entry_symlink, (E e), (e))                             \
	X(__LA_MODE_T, archive_entry_filetype, (E e), (e))                             \
	X(__LA_MODE_T, archive_entry_mode, (E e), (e))                                 \
	X(la_int64_t, archive_entry_size, (E e), (e))                                  \
	X(la_int64_t, archive_entry_uid, (E e), (e))                                   \
	X(la_int64_t, archive_entry_gid, (E e), (e))                                   \
	X(dev_t, archive_entry_rdevmajor, (E e), (e))                                  \
	X(dev_t, archive_entry_rdevminor, (E e), (e))                                  \
	X(time_t, archive_entry_mtime, (E e), (e))                                     \
	X(long, archive_entry_mtime_nsec, (E e), (e))                                  \
	X(time_t, archive_entry_atime, (E e), (e))                                     \
	X(long, archive_entry_atime_nsec, (E e), (e))                                  \
	X(int, archive_entry_atime_is_set, (E e), (e))                                 \
	X(int, archive_entry_xattr_reset, (E e), (e))                                  \
	X(int, archive_entry_xattr_next, (E e, const char **k, const void **v, size_t *n), \
	  (e, k, v, n))                                                                \
	V(archive_entry_set_pathname, (E e, const char *s), (e, s))                    \
	V(archive_entry_set_hardlink, (E e, const char *s), (e, s))                    \
	V(archive_entry_set_symlink, (E e, const char *s), (e, s))                     \
	V(archive_entry_set_filetype, (E e, unsigned int t), (e, t))                   \
	V(archive_entry_set_perm, (E e, __LA_MODE_T m), (e, m))                        \
	V(archive_entry_set_size, (E e, la_int64_t n), (e, n))                         \
	V(archive_entry_set_uid, (E e, la_int64_t id), (e, id))                        \
	V(archive_entry_set_gid, (E e, la_int64_t id), (e, id))                        \
	V(archive_entry_set_rdevmajor, (E e, dev_t d), (e, d))                         \
	V(archive_entry_set_rdevminor, (E e, dev_t d), (e, d))                         \
	V(archive_entry_set_mtime, (E e, time_t s, long ns), (e, s, ns))               \
	V(archive_entry_set_atime, (E e, time_t s, long ns), (e, s, ns))               \
	V(archive_entry_xattr_add_entry, (E e, const char *k, const void *v, size_t n), \
	  (e, k, v, n))

DL_TABLE(archive, "libarchive.so.13")

int dl_archive_load(berr_t *err)
{
	return dl_load(&archive, err);
}

#define DEFINE(ret, name, params, args) DL_DEFINE(archive, ret, name, params, args)
#define DEFINE_V(name, params, args) DL_DEFINE_V(archive, name, params, args)
FUNCS(DEFINE, DEFINE_V, DL_SKIP_C)

/* the entry points: NULL, as on ENOMEM, when libarchive cannot be loaded */
struct archive *(archive_read_new)(void)
{
	return dl_loaded(&archive) ? DL_FN(archive, archive_read_new)() : NULL;
}

struct archive *(archive_write_new)(void)
{
	return dl_loaded(&archive) ? DL_FN(archive, archive_write_new)() : NULL;
}

struct archive_entry *(archive_entry_new)(void)
{
	return dl_loaded(&archive) ? DL_FN(archive, archive_entry_new)() : NULL;
}
