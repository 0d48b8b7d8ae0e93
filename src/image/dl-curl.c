/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libcurl, loaded on first use (see dl.h). */
#include "dl.h"

#include <curl/curl.h>
#include <stdarg.h>

#define FUNCS(X, V, C)                                                                 \
	C(curl_global_init) C(curl_easy_init) C(curl_share_init)                       \
	C(curl_easy_setopt) C(curl_easy_getinfo) C(curl_share_setopt)                  \
	X(CURLcode, curl_easy_perform, (CURL *c), (c))                                 \
	V(curl_easy_cleanup, (CURL *c), (c))                                           \
	X(char *, curl_easy_escape, (CURL *c, const char *s, int len), (c, s, len))   \
	X(const char *, curl_easy_strerror, (CURLcode rc), (rc))                       \
	V(curl_free, (void *p), (p))                                                   \
	X(struct curl_slist *, curl_slist_append, (struct curl_slist *l, const char *s), \
	  (l, s))                                                                      \
	V(curl_slist_free_all, (struct curl_slist *l), (l))                            \
	X(CURLSHcode, curl_share_cleanup, (CURLSH *sh), (sh))

DL_TABLE(curl, "libcurl.so.4")

int dl_curl_load(berr_t *err)
{
	return dl_load(&curl, err);
}

#define DEFINE(ret, name, params, args) DL_DEFINE(curl, ret, name, params, args)
#define DEFINE_V(name, params, args) DL_DEFINE_V(curl, name, params, args)
FUNCS(DEFINE, DEFINE_V, DL_SKIP_C)

/* the entry points: fail as libcurl would when it cannot be loaded */
CURLcode(curl_global_init)(long flags)
{
	return dl_loaded(&curl) ? DL_FN(curl, curl_global_init)(flags) : CURLE_FAILED_INIT;
}

CURL *(curl_easy_init)(void)
{
	return dl_loaded(&curl) ? DL_FN(curl, curl_easy_init)() : NULL;
}

CURLSH *(curl_share_init)(void)
{
	return dl_loaded(&curl) ? DL_FN(curl, curl_share_init)() : NULL;
}

/* The one argument after the option has the type the option's range says. */
CURLcode(curl_easy_setopt)(CURL *c, CURLoption opt, ...)
{
	__typeof__(curl_easy_setopt) *fn;
	CURLcode rc;
	va_list ap;

	dl_need(&curl, "curl_easy_setopt");
	fn = DL_FN(curl, curl_easy_setopt);
	va_start(ap, opt);
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		rc = fn(c, opt, va_arg(ap, long));
	else if (opt < CURLOPTTYPE_FUNCTIONPOINT)
		rc = fn(c, opt, va_arg(ap, void *));
	else if (opt < CURLOPTTYPE_OFF_T)
		rc = fn(c, opt, va_arg(ap, void (*)(void)));
	else if (opt < CURLOPTTYPE_BLOB)
		rc = fn(c, opt, va_arg(ap, curl_off_t));
	else
		rc = fn(c, opt, va_arg(ap, struct curl_blob *));
	va_end(ap);
	return rc;
}

/* every CURLINFO_* takes a pointer to where the answer goes */
CURLcode(curl_easy_getinfo)(CURL *c, CURLINFO info, ...)
{
	CURLcode rc;
	va_list ap;

	dl_need(&curl, "curl_easy_getinfo");
	va_start(ap, info);
	rc = DL_FN(curl, curl_easy_getinfo)(c, info, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

/* as libcurl reads them: an int for (UN)SHARE, the lock callbacks, else a pointer */
CURLSHcode(curl_share_setopt)(CURLSH *sh, CURLSHoption opt, ...)
{
	__typeof__(curl_share_setopt) *fn;
	CURLSHcode rc;
	va_list ap;

	dl_need(&curl, "curl_share_setopt");
	fn = DL_FN(curl, curl_share_setopt);
	va_start(ap, opt);
	switch (opt) {
	case CURLSHOPT_SHARE:
	case CURLSHOPT_UNSHARE:
		rc = fn(sh, opt, va_arg(ap, int));
		break;
	case CURLSHOPT_LOCKFUNC:
		rc = fn(sh, opt, va_arg(ap, curl_lock_function));
		break;
	case CURLSHOPT_UNLOCKFUNC:
		rc = fn(sh, opt, va_arg(ap, curl_unlock_function));
		break;
	default:
		rc = fn(sh, opt, va_arg(ap, void *));
		break;
	}
	va_end(ap);
	return rc;
}
