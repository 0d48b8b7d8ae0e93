/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parsers for the run options given as text: sizes, cpus, -v, --env-file. */
#include "engine.h"
#include "../util/cleanup.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

int berth_parse_size(const char *s, int64_t *out, berr_t *err)
{
	static const struct {
		const char *suffix;
		unsigned long long mul;
	} units[] = {
		{ "", 1 }, { "b", 1 }, { "k", 1ULL << 10 }, { "kb", 1ULL << 10 },
		{ "m", 1ULL << 20 }, { "mb", 1ULL << 20 }, { "g", 1ULL << 30 }, { "gb", 1ULL << 30 },
	};
	char *end;
	unsigned long long v;

	if (!s || !isdigit((unsigned char)*s))
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return berr_fail(err, "invalid size \"%s\": too large", s);
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcasecmp(end, units[i].suffix))
			continue;
		if (v > (unsigned long long)INT64_MAX / units[i].mul)
			return berr_fail(err, "invalid size \"%s\": too large", s);
		*out = (int64_t)(v * units[i].mul);
		return 0;
	}
bad:
	return berr_fail(err, "invalid size \"%s\": a number with b, k, m or g", s ? s : "");
}

int berth_parse_cpus(const char *s, int64_t *quota, berr_t *err)
{
	char *end;
	double v;

	errno = 0;
	v = s && *s ? strtod(s, &end) : NAN;
	if (!s || !*s || errno || *end || !isfinite(v) || v <= 0 || v > 1024)
		return berr_fail(err, "invalid cpus \"%s\": a number of CPUs above 0", s ? s : "");
	*quota = (int64_t)llround(v * 100000.0);
	if (*quota < 1000)
		return berr_fail(err, "invalid cpus \"%s\": at least 0.01", s);
	return 0;
}

static int env_append(char ***env, size_t *n, const char *kv, berr_t *err)
{
	char **nv = realloc(*env, (*n + 2) * sizeof(*nv));

	if (!nv)
		return berr_errno(err, "env");
	*env = nv;
	nv[*n] = strdup(kv);
	if (!nv[*n])
		return berr_errno(err, "env");
	nv[++*n] = NULL;
	return 0;
}

int berth_read_env_file(const char *path, char ***env, size_t *n, berr_t *err)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;

	if (!f)
		return berr_errno(err, "env file %s", path);
	while ((len = getline(&line, &cap, f)) >= 0) {
		char *p = line;

		lineno++;
		if ((size_t)len != strlen(line))
			return berr_fail(err, "env file %s:%zu: NUL byte", path, lineno);
		line[strcspn(line, "\r\n")] = '\0';
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			continue;
		if (*p == '=')
			return berr_fail(err, "env file %s:%zu: no variable name", path, lineno);
		if (env_append(env, n, p, err) < 0)
			return -1;
	}
	if (ferror(f))
		return berr_errno(err, "env file %s", path);
	return 0;
}

/* A clean absolute path: no "..", so nothing to reason about later. */
static bool path_ok(const char *p)
{
	if (p[0] != '/')
		return false;
	for (const char *s = p; (s = strstr(s, "..")); s += 2)
		if ((s == p || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
			return false;
	return true;
}

int volume_parse(const char *s, struct volume *v, berr_t *err)
{
	_cleanup_free_ char *copy = strdup(s);
	char *host, *ctr, *mode;
	struct stat st;

	*v = (struct volume){ 0 };
	if (!copy)
		return berr_errno(err, "volume");
	host = copy;
	ctr = strchr(host, ':');
	if (!ctr)
		return berr_fail(err, "invalid volume \"%s\": HOST:CONTAINER[:ro]", s);
	*ctr++ = '\0';
	mode = strchr(ctr, ':');
	if (mode)
		*mode++ = '\0';
	if (!*host || !*ctr)
		return berr_fail(err, "invalid volume \"%s\": HOST:CONTAINER[:ro]", s);
	if (host[0] != '/')
		return berr_fail(err, "invalid volume \"%s\": host path must be absolute "
				 "(named volumes are not supported)", s);
	if (!path_ok(ctr))
		return berr_fail(err, "invalid volume \"%s\": container path must be absolute, "
				 "without \"..\"", s);
	if (mode && strcmp(mode, "ro") && strcmp(mode, "rw"))
		return berr_fail(err, "invalid volume \"%s\": mode must be ro or rw", s);
	if (stat(host, &st) < 0)
		return berr_errno(err, "volume %s", host);
	v->host = strdup(host);
	v->ctr = strdup(ctr);
	v->ro = mode && !strcmp(mode, "ro");
	if (!v->host || !v->ctr) {
		volume_clear(v);
		return berr_errno(err, "volume");
	}
	return 0;
}

void volume_clear(struct volume *v)
{
	free(v->host);
	free(v->ctr);
	*v = (struct volume){ 0 };
}
