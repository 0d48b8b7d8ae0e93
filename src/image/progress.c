/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pull/push progress.  Bars: one line per blob, redrawn in place (cursor up
 * over the block, then every line again), at most ten times a second.
 * Lines: one plain line per blob once it is done, for logs and pipes.
 * Quiet: nothing.  Called from the transfer threads, hence the lock.
 */
#include "registry.h"
#include "../util/cleanup.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>

#define BAR_WIDTH 30

struct pline {
	char *what;
	char digest[DIGEST_LEN + 1];
	int64_t total, done;
	const char *status;     /* NULL while running */
};

struct progress {
	enum berth_progress mode;
	FILE *out;
	pthread_mutex_t lock;
	struct pline *lines;
	size_t n;
	size_t drawn;           /* lines of the block on the screen */
	int64_t last_ns;
};

struct progress *progress_new(enum berth_progress mode, FILE *out)
{
	struct progress *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->mode = mode;
	p->out = out ? out : stderr;
	pthread_mutex_init(&p->lock, NULL);
	return p;
}

void progress_free(struct progress *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		free(p->lines[i].what);
	free(p->lines);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void human(char *buf, size_t n, int64_t v)
{
	if (v >= 1 << 30)
		snprintf(buf, n, "%.1fGiB", v / 1073741824.0);
	else if (v >= 1 << 20)
		snprintf(buf, n, "%.1fMiB", v / 1048576.0);
	else if (v >= 1 << 10)
		snprintf(buf, n, "%.1fKiB", v / 1024.0);
	else
		snprintf(buf, n, "%lldB", (long long)v);
}

static void draw_line(struct progress *p, const struct pline *l)
{
	char bar[BAR_WIDTH + 1], a[32], b[32];
	int fill = 0;

	/* 12 hex digits identify a blob to a person, as docker shows them */
	fprintf(p->out, "\r\033[K%s %.12s", l->what, l->digest[0] ? l->digest + 7 : "");
	if (l->status) {
		fprintf(p->out, " %s\n", l->status);
		return;
	}
	if (l->total > 0)
		fill = (int)(l->done * BAR_WIDTH / l->total);
	if (fill > BAR_WIDTH)
		fill = BAR_WIDTH;
	memset(bar, '=', fill);
	memset(bar + fill, ' ', BAR_WIDTH - fill);
	if (fill < BAR_WIDTH && fill > 0)
		bar[fill - 1] = '>';
	bar[BAR_WIDTH] = 0;
	human(a, sizeof(a), l->done);
	human(b, sizeof(b), l->total);
	fprintf(p->out, " [%s] %s / %s\n", bar, a, b);
}

/* lock held */
static void redraw(struct progress *p)
{
	if (p->drawn)
		fprintf(p->out, "\033[%zuA", p->drawn);
	for (size_t i = 0; i < p->n; i++)
		draw_line(p, &p->lines[i]);
	p->drawn = p->n;
	fflush(p->out);
	p->last_ns = now_ns();
}

int progress_add(struct progress *p, const char *what, const char *digest, int64_t total)
{
	struct pline *nl;
	int idx;

	if (!p || p->mode == BERTH_PROGRESS_QUIET)
		return -1;
	pthread_mutex_lock(&p->lock);
	nl = realloc(p->lines, (p->n + 1) * sizeof(*nl));
	if (!nl) {
		pthread_mutex_unlock(&p->lock);
		return -1;
	}
	p->lines = nl;
	memset(&nl[p->n], 0, sizeof(*nl));
	nl[p->n].what = strdup(what);
	if (!nl[p->n].what) {
		pthread_mutex_unlock(&p->lock);
		return -1;
	}
	if (digest)
		snprintf(nl[p->n].digest, sizeof(nl[p->n].digest), "%s", digest);
	nl[p->n].total = total;
	idx = (int)p->n++;
	if (p->mode == BERTH_PROGRESS_BARS)
		redraw(p);
	pthread_mutex_unlock(&p->lock);
	return idx;
}

void progress_update(struct progress *p, int idx, int64_t done)
{
	if (!p || idx < 0 || p->mode != BERTH_PROGRESS_BARS)
		return;
	pthread_mutex_lock(&p->lock);
	p->lines[idx].done = done;
	if (now_ns() - p->last_ns > 100000000)
		redraw(p);
	pthread_mutex_unlock(&p->lock);
}

void progress_finish(struct progress *p, int idx, const char *status)
{
	struct pline *l;

	if (!p || idx < 0)
		return;
	pthread_mutex_lock(&p->lock);
	l = &p->lines[idx];
	l->status = status;
	l->done = l->total;
	if (p->mode == BERTH_PROGRESS_BARS) {
		redraw(p);
	} else {
		fprintf(p->out, "%s %s %s\n", l->what, l->digest, status);
		fflush(p->out);
	}
	pthread_mutex_unlock(&p->lock);
}

void progress_msg(struct progress *p, const char *fmt, ...)
{
	va_list ap;

	if (!p || p->mode == BERTH_PROGRESS_QUIET)
		return;
	pthread_mutex_lock(&p->lock);
	va_start(ap, fmt);
	vfprintf(p->out, fmt, ap);
	va_end(ap);
	fputc('\n', p->out);
	fflush(p->out);
	/* the block of bars ends here: later lines start a new one */
	if (p->mode == BERTH_PROGRESS_BARS) {
		for (size_t i = 0; i < p->n; i++)
			free(p->lines[i].what);
		p->n = 0;
		p->drawn = 0;
	}
	pthread_mutex_unlock(&p->lock);
}
