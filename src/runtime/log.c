/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --log FILE / --log-format text|json, in runc's shapes: containerd and conmon
 * read this file when a call fails, so an error must land there as
 *   {"level":"error","msg":"...","time":"2026-11-25T16:00:00Z"}
 * Without --log, warnings and debug lines go to stderr.
 */
#include "berth-runtime.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int log_fd = -1;
static enum berth_log_format log_format = BERTH_LOG_TEXT;
static bool log_debug_enabled;

int berth_log_open(const char *path, enum berth_log_format fmt, bool debug, berr_t *err)
{
	log_format = fmt;
	log_debug_enabled = debug;
	if (!path)
		return 0;
	log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (log_fd < 0)
		return berr_errno(err, "open log %s", path);
	return 0;
}

static void log_emit(const char *level, const char *fmt, va_list ap)
{
	_cleanup_free_ char *msg = NULL;
	char ts[64];
	struct timespec now;
	struct tm tm;
	int fd = log_fd >= 0 ? log_fd : STDERR_FILENO;

	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts + strlen(ts), sizeof(ts) - strlen(ts), ".%09ldZ", now.tv_nsec);

	if (log_format == BERTH_LOG_JSON) {
		json_t *o = json_pack("{s:s, s:s, s:s}", "level", level, "msg", msg, "time", ts);
		_cleanup_free_ char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;

		json_decref(o);
		if (line) {
			size_t n = strlen(line);

			line[n] = '\n';
			/* one write per line so concurrent writers don't interleave */
			(void)write_all(fd, line, n + 1);
			line[n] = '\0';
		}
	} else {
		_cleanup_free_ char *line = NULL;
		int n;

		if (fd == STDERR_FILENO)
			n = asprintf(&line, "berth-runtime: %s: %s\n", level, msg);
		else
			n = asprintf(&line, "%s %s: %s\n", ts, level, msg);
		if (n > 0)
			(void)write_all(fd, line, (size_t)n);
	}
}

void berth_log_error(const char *fmt, ...)
{
	va_list ap;

	/* Errors reach stderr from the command itself; the log file gets a copy. */
	if (log_fd < 0)
		return;
	va_start(ap, fmt);
	log_emit("error", fmt, ap);
	va_end(ap);
}

void berth_log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit("warning", fmt, ap);
	va_end(ap);
}

void berth_log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_debug_enabled)
		return;
	va_start(ap, fmt);
	log_emit("debug", fmt, ap);
	va_end(ap);
}
