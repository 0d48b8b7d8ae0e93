/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Image references: docker's grammar and normal forms, valid and invalid. */
#include "image/image.h"
#include "util/cleanup.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

#define D64 "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static const struct {
	const char *in;
	const char *norm;       /* NULL: must be refused */
	const char *domain, *path, *tag, *digest;
} cases[] = {
	{ "busybox", "docker.io/library/busybox:latest", "docker.io", "library/busybox", "latest", NULL },
	{ "busybox:1.36", "docker.io/library/busybox:1.36", "docker.io", "library/busybox", "1.36", NULL },
	{ "library/busybox", "docker.io/library/busybox:latest", "docker.io", "library/busybox", "latest", NULL },
	{ "docker.io/busybox", "docker.io/library/busybox:latest", "docker.io", "library/busybox", "latest", NULL },
	{ "index.docker.io/busybox", "docker.io/library/busybox:latest", "docker.io", "library/busybox", "latest", NULL },
	{ "user/app", "docker.io/user/app:latest", "docker.io", "user/app", "latest", NULL },
	{ "host:5000/a/b:t", "host:5000/a/b:t", "host:5000", "a/b", "t", NULL },
	{ "host:5000/a/b", "host:5000/a/b:latest", "host:5000", "a/b", "latest", NULL },
	{ "localhost/x", "localhost/x:latest", "localhost", "x", "latest", NULL },
	{ "localhost:5000/x:v1", "localhost:5000/x:v1", "localhost:5000", "x", "v1", NULL },
	{ "127.0.0.1:5000/x", "127.0.0.1:5000/x:latest", "127.0.0.1:5000", "x", "latest", NULL },
	{ "quay.io/a/b/c", "quay.io/a/b/c:latest", "quay.io", "a/b/c", "latest", NULL },
	{ "Registry.Example.com/x", "Registry.Example.com/x:latest", "Registry.Example.com", "x", "latest", NULL },
	{ "x@" D64, "docker.io/library/x@" D64, "docker.io", "library/x", NULL, D64 },
	{ "x:t@" D64, "docker.io/library/x:t@" D64, "docker.io", "library/x", "t", D64 },
	{ "host:5000/a/b@" D64, "host:5000/a/b@" D64, "host:5000", "a/b", NULL, D64 },
	{ "a_b/c__d/e-f/g--h/i.j", "docker.io/a_b/c__d/e-f/g--h/i.j:latest", "docker.io", "a_b/c__d/e-f/g--h/i.j", "latest", NULL },
	{ "localhost", "docker.io/library/localhost:latest", "docker.io", "library/localhost", "latest", NULL },
	{ "localhost:5000", "docker.io/library/localhost:5000", "docker.io", "library/localhost", "5000", NULL },
	{ "x:_Tag.1-A", "docker.io/library/x:_Tag.1-A", "docker.io", "library/x", "_Tag.1-A", NULL },
	{ "[::1]:5000/x", "[::1]:5000/x:latest", "[::1]:5000", "x", "latest", NULL },
	/* refused */
	{ "", NULL, NULL, NULL, NULL, NULL },
	{ "Busybox", NULL, NULL, NULL, NULL, NULL },
	{ "user/App", NULL, NULL, NULL, NULL, NULL },
	{ "host:5000/UP", NULL, NULL, NULL, NULL, NULL },
	{ "x:", NULL, NULL, NULL, NULL, NULL },
	{ "x:-bad", NULL, NULL, NULL, NULL, NULL },
	{ "x:.bad", NULL, NULL, NULL, NULL, NULL },
	{ "x:a/b", NULL, NULL, NULL, NULL, NULL },
	{ "x@sha256:abc", NULL, NULL, NULL, NULL, NULL },
	{ "x@md5:0123456789abcdef0123456789abcdef", NULL, NULL, NULL, NULL, NULL },
	{ "x@sha512:" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", NULL, NULL, NULL, NULL, NULL },
	{ "x@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", NULL, NULL, NULL, NULL, NULL },
	{ "x@", NULL, NULL, NULL, NULL, NULL },
	{ "@" D64, NULL, NULL, NULL, NULL, NULL },
	{ ":tag", NULL, NULL, NULL, NULL, NULL },
	{ "/x", NULL, NULL, NULL, NULL, NULL },
	{ "x/", NULL, NULL, NULL, NULL, NULL },
	{ "a//b", NULL, NULL, NULL, NULL, NULL },
	{ "-a", NULL, NULL, NULL, NULL, NULL },
	{ "a-", NULL, NULL, NULL, NULL, NULL },
	{ "a..b", NULL, NULL, NULL, NULL, NULL },
	{ "a___b", NULL, NULL, NULL, NULL, NULL },
	{ "a b", NULL, NULL, NULL, NULL, NULL },
	{ "host:port/x", NULL, NULL, NULL, NULL, NULL },
	{ "host:123456/x", NULL, NULL, NULL, NULL, NULL },
	{ "-host.com/x", NULL, NULL, NULL, NULL, NULL },
	{ "host..com/x", NULL, NULL, NULL, NULL, NULL },
	{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", NULL, NULL, NULL, NULL, NULL },
	{ "x\n", NULL, NULL, NULL, NULL, NULL },
};

static bool streq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void long_names(void)
{
	char name[300], tag[200], buf[600];
	_cleanup_berr_ berr_t err = NULL;
	char *n;

	/* 255 is the limit of the normalised name, as docker counts it:
	 * "docker.io/library/" is 18 characters, so a bare name may have 237 */
	memset(name, 'a', 237);
	name[237] = '\0';
	n = ref_normalize(name, &err);
	TAP_CHECK(n != NULL && strlen(n) == 255 + strlen(":latest"),
		  "237-character bare name (255 normalised) accepted");
	free(n);
	memset(name, 'a', 238);
	name[238] = '\0';
	n = ref_normalize(name, &err);
	TAP_CHECK(!n && err && strstr(err->msg, "255"), "238-character bare name refused");
	free(n);
	berr_free(&err);
	memcpy(name, "localhost/", 10);
	memset(name + 10, 'a', 246);
	name[256] = '\0';
	n = ref_normalize(name, &err);
	TAP_CHECK(!n && err && strstr(err->msg, "255"), "256-character name with a domain refused");
	free(n);
	berr_free(&err);
	name[255] = '\0';
	n = ref_normalize(name, &err);
	TAP_CHECK(n != NULL, "255-character name with a domain accepted");
	free(n);
	berr_free(&err);

	memset(tag, 'T', 128);
	tag[128] = '\0';
	snprintf(buf, sizeof(buf), "x:%s", tag);
	n = ref_normalize(buf, &err);
	TAP_CHECK(n != NULL, "128-character tag accepted");
	free(n);
	tag[128] = 'T';
	tag[129] = '\0';
	snprintf(buf, sizeof(buf), "x:%s", tag);
	n = ref_normalize(buf, &err);
	TAP_CHECK(!n, "129-character tag refused");
	free(n);
}

int main(void)
{
	char name[512];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_berr_ berr_t err = NULL;
		struct berth_ref r;
		int ret = berth_ref_parse(cases[i].in, &r, &err);
		char *n;

		snprintf(name, sizeof(name), "\"%s\" %s", cases[i].in,
			 cases[i].norm ? "parses" : "is refused with a message");
		if (!cases[i].norm) {
			TAP_CHECK(ret < 0 && err && err->msg && *err->msg, name);
			continue;
		}
		TAP_CHECK(ret == 0 && streq(r.domain, cases[i].domain) && streq(r.path, cases[i].path) &&
			  streq(r.tag, cases[i].tag) && streq(r.digest, cases[i].digest), name);
		if (ret == 0)
			berth_ref_clear(&r);
		n = ref_normalize(cases[i].in, &err);
		snprintf(name, sizeof(name), "\"%s\" normalises to %s", cases[i].in, cases[i].norm);
		TAP_CHECK(n && !strcmp(n, cases[i].norm), name);
		/* the normal form is a fixed point */
		if (n) {
			char *again = ref_normalize(n, &err);

			snprintf(name, sizeof(name), "normal form of \"%s\" is stable", cases[i].in);
			TAP_CHECK(again && !strcmp(again, n), name);
			free(again);
		}
		free(n);
	}
	{
		_cleanup_berr_ berr_t err = NULL;
		char *n = ref_normalize("Busybox", &err);

		TAP_CHECK(!n && err && strstr(err->msg, "must be lowercase"),
			  "uppercase repository names the rule it breaks");
		free(n);
	}
	long_names();
	return TAP_DONE();
}
