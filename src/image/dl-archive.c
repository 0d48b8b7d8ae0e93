/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libarchive, loaded on first use (see dl.h).  Each function berth (and its unit
 * tests) calls is defined here under its own name, so archive.h and
 * archive_entry.h check every signature, and forwards to the library's through a
 * pointer resolved by dlsym.
 */
#include "dl.h"

#include <archive.h>
#include <archive_entry.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#define LIB "libarchive.so.13"

typedef struct archive *A;
typedef struct archive_entry *E;

/* X(return type, name, parameters, arguments), V(...) for void: one line per function.
 * The entry points are written out below. */
#define ARCHIVE_FUNCS(X, V)                                                            \
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

#define ENTRY_FUNCS(X) X(archive_read_new) X(archive_write_new) X(archive_entry_new)

#define DECLARE(ret, name, params, args) static __typeof__(name) *p_##name;
#define DECLARE_V(name, params, args) static __typeof__(name) *p_##name;
#define DECLARE_E(name) static __typeof__(name) *p_##name;
ARCHIVE_FUNCS(DECLARE, DECLARE_V)
ENTRY_FUNCS(DECLARE_E)

static pthread_once_t once = PTHREAD_ONCE_INIT;
static void *lib;               /* set (release) once every pointer is resolved */
static char load_error[512];

static void load(void)
{
	void *h = dlopen(LIB, RTLD_NOW | RTLD_LOCAL);

	if (!h)
		goto fail;
#define RESOLVE(name) if (!(p_##name = dlsym(h, #name))) goto fail;
#define RESOLVE_X(ret, name, params, args) RESOLVE(name)
#define RESOLVE_V(name, params, args) RESOLVE(name)
	ARCHIVE_FUNCS(RESOLVE_X, RESOLVE_V)
	ENTRY_FUNCS(RESOLVE)
	__atomic_store_n(&lib, h, __ATOMIC_RELEASE);
	return;
fail:
	snprintf(load_error, sizeof(load_error), "load " LIB ": %s", dlerror());
	if (h)
		dlclose(h);
}

static bool loaded(void)
{
	pthread_once(&once, load);
	return lib != NULL;
}

int dl_archive_load(berr_t *err)
{
	if (loaded())
		return 0;
	return berr_fail(err, "%s", load_error);
}

/* Only the entry points may run first; anything else is a caller's bug. */
static void need(const char *name)
{
	if (__atomic_load_n(&lib, __ATOMIC_ACQUIRE))
		return;
	fprintf(stderr, "berth: BUG: %s called before " LIB " was loaded\n", name);
	abort();
}

#define DEFINE(ret, name, params, args)                                                \
	ret(name) params                                                               \
	{                                                                              \
		need(#name);                                                           \
		return p_##name args;                                                  \
	}
#define DEFINE_V(name, params, args)                                                   \
	void(name) params                                                              \
	{                                                                              \
		need(#name);                                                           \
		p_##name args;                                                         \
	}
ARCHIVE_FUNCS(DEFINE, DEFINE_V)

#define DEFINE_E(type, name)                                                           \
	type *(name)(void)                                                             \
	{                                                                              \
		return loaded() ? p_##name() : NULL;                                   \
	}
DEFINE_E(struct archive, archive_read_new)
DEFINE_E(struct archive, archive_write_new)
DEFINE_E(struct archive_entry, archive_entry_new)
