/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char oom_msg[] = "out of memory";

int berr_vset(berr_t *err, int errnum, const char *fmt, va_list ap)
{
	struct berr *e;
	char *base = NULL;
	int ret = errnum > 0 ? -errnum : -1;

	if (!err)
		return ret;
	/* A second error replaces the first: the newest one is the one to report. */
	berr_free(err);
	e = calloc(1, sizeof(*e));
	if (!e)
		return ret;
	e->errnum = errnum;
	if (vasprintf(&base, fmt, ap) < 0)
		base = NULL;
	if (base && errnum > 0) {
		if (asprintf(&e->msg, "%s: %s", base, strerror(errnum)) < 0)
			e->msg = NULL;
		free(base);
	} else {
		e->msg = base;
	}
	if (!e->msg)
		e->msg = strdup(oom_msg);
	*err = e;
	return ret;
}

int berr_set(berr_t *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = berr_vset(err, errnum, fmt, ap);
	va_end(ap);
	return ret;
}

int berr_prefix(berr_t *err, const char *fmt, ...)
{
	char *ctx = NULL, *msg = NULL;
	va_list ap;

	if (!err || !*err)
		return -1;
	va_start(ap, fmt);
	if (vasprintf(&ctx, fmt, ap) < 0)
		ctx = NULL;
	va_end(ap);
	if (ctx && asprintf(&msg, "%s: %s", ctx, (*err)->msg ? (*err)->msg : "") >= 0) {
		free((*err)->msg);
		(*err)->msg = msg;
	}
	free(ctx);
	return (*err)->errnum > 0 ? -(*err)->errnum : -1;
}

void berr_free(berr_t *err)
{
	if (!err || !*err)
		return;
	free((*err)->msg);
	free(*err);
	*err = NULL;
}

int berr_code(berr_t err)
{
	return err && err->errnum > 0 ? err->errnum : EINVAL;
}
