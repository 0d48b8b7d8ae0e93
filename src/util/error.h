/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_ERROR_H
#define BERTH_ERROR_H

#include <errno.h>
#include <stdarg.h>

/*
 * One error convention for the whole project.
 *
 * A failing function returns a negative value and fills *err with an error
 * object: the errno it failed with (0 if none) and a message.  Callers add
 * context on the way up with berr_prefix(); the command prints it once:
 *
 *   berth-runtime: create web: mount /proc: Permission denied
 *
 * Functions never print errors themselves.
 */
struct berr {
	int errnum;        /* errno of the innermost failure, 0 if none */
	char *msg;         /* full message, strerror already appended */
};

typedef struct berr *berr_t;

/* Set *err from a format, appending strerror(errnum) if errnum != 0.  Returns -1
 * (or -errnum when errnum != 0) so callers can `return berr_set(...)`. */
int berr_set(berr_t *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int berr_vset(berr_t *err, int errnum, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* berr_set() with the current errno. */
#define berr_errno(err, ...) berr_set((err), errno, __VA_ARGS__)
/* berr_set() without an errno: bad input and the like. */
#define berr_fail(err, ...) berr_set((err), 0, __VA_ARGS__)

/* Prepend "context: " to an existing error.  Returns the same negative value. */
int berr_prefix(berr_t *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void berr_free(berr_t *err);
/* errno to exit with, or to return as -errno; never 0 */
int berr_code(berr_t err);

#define _cleanup_berr_ __attribute__((cleanup(berr_free)))

#endif
