/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Image references, parsed and normalised the way docker does, so that
 * "busybox", "docker.io/busybox" and "index.docker.io/library/busybox:latest"
 * all name the same image:
 *
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [ domain "/" ] component ( "/" component )*
 *
 * The first component is a domain iff it contains '.' or ':' or is
 * "localhost"; otherwise the domain is docker.io, where one-component names
 * live under library/.
 */
#include "image.h"
#include "util/cleanup.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_DOMAIN "docker.io"
#define LEGACY_DOMAIN "index.docker.io"
#define NAME_MAX_LEN 255
#define TAG_MAX_LEN 128

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* [a-z0-9]+(([._]|__|-+)[a-z0-9]+)* over [p, p + n) */
static bool component_valid(const char *p, size_t n)
{
	size_t i = 0;

	for (;;) {
		size_t start = i;

		while (i < n && is_lower_alnum(p[i]))
			i++;
		if (i == start)
			return false;
		if (i == n)
			return true;
		if (p[i] == '.') {
			i++;
		} else if (p[i] == '_') {
			i++;
			if (i < n && p[i] == '_')
				i++;
		} else if (p[i] == '-') {
			while (i < n && p[i] == '-')
				i++;
		} else {
			return false;
		}
	}
}

/* host labels [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])? joined by '.', then an
 * optional :port; or a bracketed IPv6 address with an optional :port */
static bool domain_valid(const char *p, size_t n)
{
	const char *colon;
	size_t host_len;

	if (n == 0)
		return false;
	if (p[0] == '[') {
		const char *close = memchr(p, ']', n);

		if (!close || close - p < 2)
			return false;
		for (const char *q = p + 1; q < close; q++)
			if (!isxdigit((unsigned char)*q) && *q != ':' && *q != '.')
				return false;
		host_len = (size_t)(close - p) + 1;
		colon = host_len < n ? p + host_len : NULL;
		if (colon && *colon != ':')
			return false;
	} else {
		colon = memchr(p, ':', n);
		host_len = colon ? (size_t)(colon - p) : n;
		for (size_t i = 0; i < host_len;) {
			size_t start = i;

			while (i < host_len && (isalnum((unsigned char)p[i]) || p[i] == '-'))
				i++;
			if (i == start || p[start] == '-' || p[i - 1] == '-')
				return false;
			if (i < host_len) {
				if (p[i] != '.' || i + 1 == host_len)
					return false;
				i++;
			}
		}
	}
	if (colon) {
		size_t plen = n - (size_t)(colon - p) - 1;

		if (plen == 0 || plen > 5)
			return false;
		for (size_t i = 1; i <= plen; i++)
			if (!isdigit((unsigned char)colon[i]))
				return false;
	}
	return true;
}

static bool tag_valid(const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n > TAG_MAX_LEN)
		return false;
	if (!isalnum((unsigned char)t[0]) && t[0] != '_')
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)t[i]) && !strchr("_.-", t[i]))
			return false;
	return true;
}

static bool is_hex64(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	return i == 64;
}

static int check_path(const char *s, const char *path, berr_t *err)
{
	const char *p = path;
	bool upper = false;

	for (const char *q = path; *q; q++)
		upper |= isupper((unsigned char)*q);
	if (upper)
		return berr_fail(err, "invalid reference \"%.300s\": repository name must be lowercase",
				 s);
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (!component_valid(p, n))
			return berr_fail(err, "invalid reference format \"%.300s\"", s);
		if (!slash)
			return 0;
		p = slash + 1;
	}
}

void berth_ref_clear(struct berth_ref *r)
{
	free(r->domain);
	free(r->path);
	free(r->tag);
	free(r->digest);
	memset(r, 0, sizeof(*r));
}

int berth_ref_parse(const char *s, struct berth_ref *r, berr_t *err)
{
	_cleanup_free_ char *name = NULL;
	struct berth_ref out = { 0 };
	const char *at, *slash, *colon;
	char *first_slash;

	memset(r, 0, sizeof(*r));
	if (!s || !*s)
		return berr_fail(err, "empty image reference");
	if (strlen(s) > 4096)
		return berr_fail(err, "invalid reference: longer than 4096 characters");
	/* a bare id is never a name (docker refuses it the same way) */
	if (is_hex64(s))
		return berr_fail(err, "invalid reference \"%s\": 64-character hex strings are image ids, "
				 "not names", s);

	at = strchr(s, '@');
	name = at ? strndup(s, (size_t)(at - s)) : strdup(s);
	if (!name)
		return berr_errno(err, "parse reference");
	if (at) {
		if (digest_check(at + 1, err) < 0)
			return berr_prefix(err, "invalid reference \"%.300s\"", s);
		out.digest = strdup(at + 1);
		if (!out.digest)
			goto oom;
	}
	/* a tag is a ':' after the last '/', so "host:5000/x" has none */
	slash = strrchr(name, '/');
	colon = strrchr(slash ? slash : name, ':');
	if (colon) {
		if (!tag_valid(colon + 1)) {
			berth_ref_clear(&out);
			return berr_fail(err, "invalid reference \"%.300s\": bad tag \"%.200s\"", s,
					 colon + 1);
		}
		out.tag = strdup(colon + 1);
		if (!out.tag)
			goto oom;
		name[colon - name] = '\0';
	}
	if (!*name || strlen(name) > NAME_MAX_LEN) {
		berth_ref_clear(&out);
		return berr_fail(err, "invalid reference \"%.300s\": %s", s,
				 *name ? "repository name longer than 255 characters"
				       : "empty repository name");
	}

	first_slash = strchr(name, '/');
	if (first_slash && (memchr(name, '.', (size_t)(first_slash - name)) ||
			    memchr(name, ':', (size_t)(first_slash - name)) ||
			    !strncmp(name, "localhost/", 10))) {
		*first_slash = '\0';
		if (!domain_valid(name, strlen(name))) {
			berth_ref_clear(&out);
			return berr_fail(err, "invalid reference \"%.300s\": bad registry \"%s\"", s,
					 name);
		}
		out.domain = strdup(!strcmp(name, LEGACY_DOMAIN) ? DEFAULT_DOMAIN : name);
		out.path = strdup(first_slash + 1);
	} else {
		out.domain = strdup(DEFAULT_DOMAIN);
		out.path = strdup(name);
	}
	if (!out.domain || !out.path)
		goto oom;
	if (check_path(s, out.path, err) < 0) {
		berth_ref_clear(&out);
		return -1;
	}
	if (!strcmp(out.domain, DEFAULT_DOMAIN) && !strchr(out.path, '/')) {
		char *p = NULL;

		if (asprintf(&p, "library/%s", out.path) < 0)
			goto oom;
		free(out.path);
		out.path = p;
	}
	/* docker counts the normalised name: "x" is docker.io/library/x */
	if (strlen(out.domain) + 1 + strlen(out.path) > NAME_MAX_LEN) {
		berth_ref_clear(&out);
		return berr_fail(err, "invalid reference \"%.300s\": repository name longer than "
				 "255 characters once normalised", s);
	}
	if (!out.tag && !out.digest) {
		out.tag = strdup("latest");
		if (!out.tag)
			goto oom;
	}
	*r = out;
	return 0;
oom:
	berth_ref_clear(&out);
	return berr_errno(err, "parse reference");
}

char *berth_ref_format(const struct berth_ref *r)
{
	char *s = NULL;

	if (asprintf(&s, "%s/%s%s%s%s%s", r->domain, r->path, r->tag ? ":" : "",
		     r->tag ? r->tag : "", r->digest ? "@" : "", r->digest ? r->digest : "") < 0)
		return NULL;
	return s;
}

char *ref_normalize(const char *s, berr_t *err)
{
	struct berth_ref r;
	char *out;

	if (berth_ref_parse(s, &r, err) < 0)
		return NULL;
	out = berth_ref_format(&r);
	berth_ref_clear(&r);
	if (!out)
		berr_errno(err, "format reference");
	return out;
}
