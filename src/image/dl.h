/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_IMAGE_DL_H
#define BERTH_IMAGE_DL_H

/*
 * libcurl, libarchive and libcrypto are loaded on first use (dl-curl.c,
 * dl-archive.c, dl-crypto.c), so `berth run` -- and the container init it re-execs --
 * does not pay the dynamic loader for them and their ~40 dependencies.
 *
 * Their entry points (curl_global_init, curl_easy_init, curl_share_init,
 * archive_read_new, archive_write_new, archive_entry_new, EVP_MD_CTX_new) load the
 * library and fail as the library would (CURLE_FAILED_INIT, NULL) when it cannot be
 * loaded.  Callers then ask these for the reason: 0 if the library is loaded, else
 * -1 with *err set to "load libcurl.so.4: <dlerror>".  The flows that reach
 * libcrypto's functions without an error path (sha256_buf, base64) call
 * dl_crypto_load() first.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include "../util/error.h"

int dl_curl_load(berr_t *err);
int dl_archive_load(berr_t *err);
int dl_crypto_load(berr_t *err);

/* dl.c: what the three share */
struct dl_lib {
	const char *soname;
	const char *const *names;       /* the symbols to resolve, into fns[] */
	void **fns;
	size_t n;
	pthread_once_t once;
	void (*load)(void);             /* pthread_once routine: dl_open(this) */
	void *handle;                   /* set (release) once every symbol is resolved */
	char error[512];
};

void dl_open(struct dl_lib *l);
bool dl_loaded(struct dl_lib *l);
int dl_load(struct dl_lib *l, berr_t *err);
/* Only the entry points may run first; anything else is a caller's bug: abort. */
void dl_need(struct dl_lib *l, const char *fn);
/* For a function with no error path whose callers checked dl_*_load() first: load on
 * demand, abort if that fails. */
void dl_demand(struct dl_lib *l, const char *fn);

/*
 * X-macro helpers for the wrappers.  A library's list has one line per function:
 *   X(return type, name, (parameters), (arguments)),  V(name, (parameters), (arguments))
 * for a void function, or C(name) for one whose wrapper is written out (entry points,
 * varargs).  Each wrapper is defined under the library's own name, so its header
 * checks the signature; the name is in parentheses because a header may also define
 * it as a macro (curl's type checks).
 */
#define DL_ENUM(ret, name, params, args) DL_##name,
#define DL_ENUM_V(name, params, args) DL_##name,
#define DL_ENUM_C(name) DL_##name,
#define DL_NAME(ret, name, params, args) #name,
#define DL_NAME_V(name, params, args) #name,
#define DL_NAME_C(name) #name,
#define DL_SKIP_C(name)
/* the enum, symbol names and pointer table of a library whose list is FUNCS */
#define DL_TABLE(var, soname_)                                                         	enum { FUNCS(DL_ENUM, DL_ENUM_V, DL_ENUM_C) DL_N_FUNCS };                      	static const char *const dl_names[] = { FUNCS(DL_NAME, DL_NAME_V, DL_NAME_C) }; 	static void *dl_fns[DL_N_FUNCS];                                               	static void dl_load_##var(void);                                               	static struct dl_lib var = {                                                   		.soname = soname_, .names = dl_names, .fns = dl_fns, .n = DL_N_FUNCS,   		.once = PTHREAD_ONCE_INIT, .load = dl_load_##var,                       	};                                                                             	static void dl_load_##var(void)                                                	{                                                                              		dl_open(&var);                                                         	}
#define DL_FN(lib, name) ((__typeof__(name) *)(lib).fns[DL_##name])
#define DL_DEFINE(lib, ret, name, params, args)                                        \
	ret(name) params                                                               \
	{                                                                              \
		dl_need(&(lib), #name);                                                \
		return DL_FN(lib, name) args;                                          \
	}
#define DL_DEFINE_V(lib, name, params, args)                                           \
	void(name) params                                                              \
	{                                                                              \
		dl_need(&(lib), #name);                                                \
		DL_FN(lib, name) args;                                                 \
	}

#endif
