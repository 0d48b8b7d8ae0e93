/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libcurl, loaded on first use (see dl.h).  Each function berth calls is defined
 * here under its own name, so curl/curl.h checks every signature, and forwards
 * to the library's through a pointer resolved by dlsym.  The names are in
 * parentheses because curl.h also defines some of them as type-checking macros.
 */
#include "dl.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#define LIB "libcurl.so.4"

/* X(return type, name, parameters, arguments): one line per function berth calls.
 * The entry points and the varargs setters are written out below. */
#define CURL_FUNCS(X, V)                                                               \
	X(CURLcode, curl_easy_perform, (CURL *c), (c))                                 \
	V(curl_easy_cleanup, (CURL *c), (c))                                           \
	X(char *, curl_easy_escape, (CURL *c, const char *s, int len), (c, s, len))   \
	X(const char *, curl_easy_strerror, (CURLcode rc), (rc))                       \
	V(curl_free, (void *p), (p))                                                   \
	X(struct curl_slist *, curl_slist_append, (struct curl_slist *l, const char *s), \
	  (l, s))                                                                      \
	V(curl_slist_free_all, (struct curl_slist *l), (l))                            \
	X(CURLSHcode, curl_share_cleanup, (CURLSH *sh), (sh))

#define ENTRY_FUNCS(X)                                                                 \
	X(curl_global_init) X(curl_easy_init) X(curl_share_init)                       \
	X(curl_easy_setopt) X(curl_easy_getinfo) X(curl_share_setopt)

#define DECLARE(ret, name, params, args) static __typeof__(name) *p_##name;
#define DECLARE_V(name, params, args) static __typeof__(name) *p_##name;
#define DECLARE_E(name) static __typeof__(name) *p_##name;
CURL_FUNCS(DECLARE, DECLARE_V)
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
	CURL_FUNCS(RESOLVE_X, RESOLVE_V)
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

int dl_curl_load(berr_t *err)
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
CURL_FUNCS(DEFINE, DEFINE_V)

CURLcode(curl_global_init)(long flags)
{
	if (!loaded())
		return CURLE_FAILED_INIT;
	return p_curl_global_init(flags);
}

CURL *(curl_easy_init)(void)
{
	return loaded() ? p_curl_easy_init() : NULL;
}

CURLSH *(curl_share_init)(void)
{
	return loaded() ? p_curl_share_init() : NULL;
}

/* The one argument after the option has the type the option's range says. */
CURLcode(curl_easy_setopt)(CURL *c, CURLoption opt, ...)
{
	CURLcode rc;
	va_list ap;

	need("curl_easy_setopt");
	va_start(ap, opt);
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		rc = p_curl_easy_setopt(c, opt, va_arg(ap, long));
	else if (opt < CURLOPTTYPE_FUNCTIONPOINT)
		rc = p_curl_easy_setopt(c, opt, va_arg(ap, void *));
	else if (opt < CURLOPTTYPE_OFF_T)
		rc = p_curl_easy_setopt(c, opt, va_arg(ap, void (*)(void)));
	else if (opt < CURLOPTTYPE_BLOB)
		rc = p_curl_easy_setopt(c, opt, va_arg(ap, curl_off_t));
	else
		rc = p_curl_easy_setopt(c, opt, va_arg(ap, struct curl_blob *));
	va_end(ap);
	return rc;
}

/* every CURLINFO_* takes a pointer to where the answer goes */
CURLcode(curl_easy_getinfo)(CURL *c, CURLINFO info, ...)
{
	CURLcode rc;
	va_list ap;

	need("curl_easy_getinfo");
	va_start(ap, info);
	rc = p_curl_easy_getinfo(c, info, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

/* as libcurl's share.c reads them: int for (UN)SHARE, callbacks, a pointer */
CURLSHcode(curl_share_setopt)(CURLSH *sh, CURLSHoption opt, ...)
{
	CURLSHcode rc;
	va_list ap;

	need("curl_share_setopt");
	va_start(ap, opt);
	switch (opt) {
	case CURLSHOPT_SHARE:
	case CURLSHOPT_UNSHARE:
		rc = p_curl_share_setopt(sh, opt, va_arg(ap, int));
		break;
	case CURLSHOPT_LOCKFUNC:
		rc = p_curl_share_setopt(sh, opt, va_arg(ap, curl_lock_function));
		break;
	case CURLSHOPT_UNLOCKFUNC:
		rc = p_curl_share_setopt(sh, opt, va_arg(ap, curl_unlock_function));
		break;
	default:
		rc = p_curl_share_setopt(sh, opt, va_arg(ap, void *));
		break;
	}
	va_end(ap);
	return rc;
}
