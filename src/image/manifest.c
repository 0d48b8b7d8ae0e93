/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Manifests, indexes (manifest lists) and image configs: OCI image-spec v1
 * and Docker's schema 2, which differ only in media types.  Everything here
 * comes from a registry or an archive, so all of it is checked before use:
 * duplicate keys are refused (two parsers must not see two manifests),
 * digests must be sha256, sizes non-negative, layer types ones we can unpack.
 */
#include "image.h"
#include "util/cleanup.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LAYERS 4096
#define MT_DOCKER_SCHEMA1 "application/vnd.docker.distribution.manifest.v1+json"
#define MT_DOCKER_SCHEMA1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"

#define _cleanup_json_ __attribute__((cleanup(json_decrefp)))

static const char *const layer_types[] = {
	MT_OCI_LAYER,
	MT_OCI_LAYER_GZIP,
	MT_OCI_LAYER_ZSTD,
	"application/vnd.oci.image.layer.nondistributable.v1.tar",
	"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
	"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
	MT_DOCKER_LAYER_GZIP,
	"application/vnd.docker.image.rootfs.diff.tar",
	"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
};

static json_t *load(const char *buf, size_t len, const char *what, berr_t *err)
{
	json_error_t jerr;
	json_t *j;

	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j) {
		berr_fail(err, "%s: invalid JSON: %s (line %d)", what, jerr.text, jerr.line);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		berr_fail(err, "%s: not a JSON object", what);
		return NULL;
	}
	return j;
}

/* "type/subtype; charset=..." -> compare the type only */
static bool type_is(const char *mt, const char *want)
{
	size_t n = strlen(want);

	return !strncmp(mt, want, n) && (mt[n] == '\0' || mt[n] == ';' || mt[n] == ' ');
}

static bool is_schema1(const char *mt)
{
	return type_is(mt, MT_DOCKER_SCHEMA1) || type_is(mt, MT_DOCKER_SCHEMA1_SIGNED);
}

static int refuse_schema1(berr_t *err)
{
	return berr_fail_code(err, ENOTSUP, "Docker schema 1 manifests are not supported "
			"(deprecated since 2017; re-push the image with a current client)");
}

int manifest_kind(const char *buf, size_t len, const char *media_type, enum manifest_kind *kind,
		  berr_t *err)
{
	_cleanup_json_ json_t *j = NULL;
	const char *mt = media_type;

	/* registries often answer text/plain or application/json: ask the body then */
	if (!mt || !*mt || !strncmp(mt, "application/json", 16) || !strncmp(mt, "text/plain", 10)) {
		json_t *v;

		j = load(buf, len, "manifest", err);
		if (!j)
			return -1;
		v = json_object_get(j, "mediaType");
		mt = json_string_value(v);
		if (!mt) {
			json_int_t version = json_integer_value(json_object_get(j, "schemaVersion"));

			if (version == 1)
				return refuse_schema1(err);
			if (json_is_array(json_object_get(j, "manifests"))) {
				*kind = MANIFEST_INDEX;
				return 0;
			}
			if (json_is_object(json_object_get(j, "config"))) {
				*kind = MANIFEST_IMAGE;
				return 0;
			}
			return berr_fail(err, "manifest: no mediaType and neither an image "
					 "manifest nor an index");
		}
	}
	if (type_is(mt, MT_OCI_MANIFEST) || type_is(mt, MT_DOCKER_MANIFEST))
		*kind = MANIFEST_IMAGE;
	else if (type_is(mt, MT_OCI_INDEX) || type_is(mt, MT_DOCKER_LIST))
		*kind = MANIFEST_INDEX;
	else if (is_schema1(mt))
		return refuse_schema1(err);
	else
		return berr_fail_code(err, ENOTSUP, "unsupported manifest media type \"%.200s\"", mt);
	return 0;
}

void descriptor_clear(struct descriptor *d)
{
	free(d->media_type);
	free(d->digest);
	memset(d, 0, sizeof(*d));
}

static int descriptor_parse(json_t *j, struct descriptor *d, const char *what, berr_t *err)
{
	const char *mt, *digest;
	json_t *size;

	memset(d, 0, sizeof(*d));
	if (!json_is_object(j))
		return berr_fail(err, "%s: not an object", what);
	mt = json_string_value(json_object_get(j, "mediaType"));
	digest = json_string_value(json_object_get(j, "digest"));
	size = json_object_get(j, "size");
	if (!mt || !*mt)
		return berr_fail(err, "%s: no mediaType", what);
	if (!digest)
		return berr_fail(err, "%s: no digest", what);
	if (digest_check(digest, err) < 0)
		return berr_prefix(err, "%s", what);
	if (!json_is_integer(size))
		return berr_fail(err, "%s: size is not an integer", what);
	if (json_integer_value(size) < 0)
		return berr_fail(err, "%s: negative size", what);
	d->media_type = strdup(mt);
	d->digest = strdup(digest);
	d->size = json_integer_value(size);
	if (!d->media_type || !d->digest) {
		descriptor_clear(d);
		return berr_errno(err, "%s", what);
	}
	return 0;
}

static bool layer_type_known(const char *mt)
{
	for (size_t i = 0; i < ARRAY_SIZE(layer_types); i++)
		if (!strcmp(mt, layer_types[i]))
			return true;
	return false;
}

void manifest_clear(struct manifest *m)
{
	free(m->media_type);
	descriptor_clear(&m->config);
	for (size_t i = 0; i < m->n_layers; i++)
		descriptor_clear(&m->layers[i]);
	free(m->layers);
	memset(m, 0, sizeof(*m));
}

static int manifest_fill(json_t *j, struct manifest *m, berr_t *err)
{
	json_t *layers, *l;
	const char *mt;
	size_t i;

	if (json_integer_value(json_object_get(j, "schemaVersion")) == 1)
		return refuse_schema1(err);
	if (!json_is_integer(json_object_get(j, "schemaVersion")) ||
	    json_integer_value(json_object_get(j, "schemaVersion")) != 2)
		return berr_fail(err, "schemaVersion is not 2");
	mt = json_string_value(json_object_get(j, "mediaType"));
	if (mt && is_schema1(mt))
		return refuse_schema1(err);
	if (mt && (!strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST)))
		return berr_fail(err, "is an index, not an image manifest");
	if (mt && strcmp(mt, MT_OCI_MANIFEST) && strcmp(mt, MT_DOCKER_MANIFEST))
		return berr_fail_code(err, ENOTSUP, "unsupported media type \"%.200s\"", mt);
	/* OCI makes mediaType optional; Docker's always has it */
	m->media_type = strdup(mt ? mt : MT_OCI_MANIFEST);
	if (!m->media_type)
		return berr_errno(err, "parse");
	if (descriptor_parse(json_object_get(j, "config"), &m->config, "config", err) < 0)
		return -1;
	layers = json_object_get(j, "layers");
	if (!json_is_array(layers))
		return berr_fail(err, "layers is not an array");
	if (json_array_size(layers) > MAX_LAYERS)
		return berr_fail(err, "%zu layers (at most %d)", json_array_size(layers), MAX_LAYERS);
	m->layers = calloc(json_array_size(layers) + 1, sizeof(*m->layers));
	if (!m->layers)
		return berr_errno(err, "parse");
	json_array_foreach(layers, i, l) {
		char what[32];

		snprintf(what, sizeof(what), "layer %zu", i);
		if (descriptor_parse(l, &m->layers[i], what, err) < 0)
			return -1;
		m->n_layers = i + 1;
		if (!layer_type_known(m->layers[i].media_type))
			return berr_fail_code(err, ENOTSUP, "layer %zu: unsupported media type \"%.200s\"",
					i, m->layers[i].media_type);
	}
	return 0;
}

int manifest_parse(const char *buf, size_t len, struct manifest *m, berr_t *err)
{
	_cleanup_json_ json_t *j = NULL;

	memset(m, 0, sizeof(*m));
	j = load(buf, len, "manifest", err);
	if (!j)
		return -1;
	if (manifest_fill(j, m, err) < 0) {
		manifest_clear(m);
		return berr_prefix(err, "manifest");
	}
	return 0;
}

struct platform {
	char os[64], arch[64], variant[64];
};

/*
 * Normalise as containerd does: x86_64 is amd64 and aarch64 arm64; the
 * baseline variants (amd64 v1, arm64 v8) are the same as no variant, and a
 * bare "arm" means v7.
 */
static void platform_normalize(struct platform *p)
{
	if (!strcmp(p->arch, "x86_64") || !strcmp(p->arch, "x86-64"))
		strcpy(p->arch, "amd64");
	else if (!strcmp(p->arch, "aarch64"))
		strcpy(p->arch, "arm64");
	else if (!strcmp(p->arch, "armhf"))
		strcpy(p->arch, "arm"), strcpy(p->variant, "v7");
	else if (!strcmp(p->arch, "armel"))
		strcpy(p->arch, "arm"), strcpy(p->variant, "v6");
	if (!strcmp(p->arch, "amd64") && !strcmp(p->variant, "v1"))
		p->variant[0] = '\0';
	else if (!strcmp(p->arch, "arm64") && (!strcmp(p->variant, "v8") || !strcmp(p->variant, "8")))
		p->variant[0] = '\0';
	else if (!strcmp(p->arch, "arm") && !p->variant[0])
		strcpy(p->variant, "v7");
}

static int platform_parse(const char *s, struct platform *p, berr_t *err)
{
	const char *a, *v;

	memset(p, 0, sizeof(*p));
	a = strchr(s, '/');
	if (!a || a == s || !a[1])
		return berr_fail(err, "invalid platform \"%.100s\": want os/arch[/variant]", s);
	v = strchr(a + 1, '/');
	if (v && (!v[1] || strchr(v + 1, '/')))
		return berr_fail(err, "invalid platform \"%.100s\": want os/arch[/variant]", s);
	if ((size_t)(a - s) >= sizeof(p->os) ||
	    (size_t)((v ? v : a + strlen(a)) - a - 1) >= sizeof(p->arch) ||
	    (v && strlen(v + 1) >= sizeof(p->variant)))
		return berr_fail(err, "invalid platform \"%.100s\": too long", s);
	memcpy(p->os, s, (size_t)(a - s));
	memcpy(p->arch, a + 1, (size_t)((v ? v : a + strlen(a)) - a - 1));
	if (v)
		strcpy(p->variant, v + 1);
	platform_normalize(p);
	return 0;
}

/* Variants a CPU of variant `want` runs, best first: amd64 v3 runs v2 and
 * v1 code, arm v7 runs v6 and v5.  Returns how many were written. */
static size_t compatible_variants(const struct platform *want, char out[8][64])
{
	size_t n = 0;
	int top;

	if (!strcmp(want->arch, "amd64") && want->variant[0] == 'v' &&
	    (top = atoi(want->variant + 1)) >= 2 && top <= 4) {
		for (int i = top; i >= 2; i--)
			snprintf(out[n++], 64, "v%d", i);
		out[n++][0] = '\0';
	} else if (!strcmp(want->arch, "arm") && want->variant[0] == 'v' &&
		   (top = atoi(want->variant + 1)) >= 5 && top <= 8) {
		for (int i = top; i >= 5; i--)
			snprintf(out[n++], 64, "v%d", i);
	} else {
		snprintf(out[n++], 64, "%s", want->variant);
	}
	return n;
}

static bool entry_platform(json_t *e, struct platform *p)
{
	json_t *pl = json_object_get(e, "platform");
	const char *os, *arch, *variant;

	memset(p, 0, sizeof(*p));
	os = json_string_value(json_object_get(pl, "os"));
	arch = json_string_value(json_object_get(pl, "architecture"));
	variant = json_string_value(json_object_get(pl, "variant"));
	if (!os || !arch || strlen(os) >= sizeof(p->os) || strlen(arch) >= sizeof(p->arch) ||
	    (variant && strlen(variant) >= sizeof(p->variant)))
		return false;
	strcpy(p->os, os);
	strcpy(p->arch, arch);
	if (variant)
		strcpy(p->variant, variant);
	platform_normalize(p);
	return true;
}

static bool entry_is_image(json_t *e)
{
	const char *mt = json_string_value(json_object_get(e, "mediaType"));

	return mt && (!strcmp(mt, MT_OCI_MANIFEST) || !strcmp(mt, MT_DOCKER_MANIFEST));
}

/* "linux/amd64, linux/arm/v7" of the entries that name a platform */
static char *available_platforms(json_t *manifests)
{
	char *list = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&list, &len);
	json_t *e;
	bool first = true;

	if (!f)
		return NULL;
	json_array_foreach(manifests, i, e) {
		struct platform p;

		if (!entry_is_image(e) || !entry_platform(e, &p) || !strcmp(p.os, "unknown"))
			continue;
		fprintf(f, "%s%s/%s%s%s", first ? "" : ", ", p.os, p.arch, p.variant[0] ? "/" : "",
			p.variant);
		first = false;
	}
	fclose(f);
	return list;
}

int index_select(const char *buf, size_t len, const char *platform, struct descriptor *out,
		 berr_t *err)
{
	_cleanup_json_ json_t *j = NULL;
	_cleanup_free_ char *avail = NULL;
	char variants[8][64];
	struct platform want;
	json_t *manifests, *e;
	const char *mt;
	size_t nv, i;

	memset(out, 0, sizeof(*out));
	if (platform_parse(platform ? platform : BERTH_DEFAULT_PLATFORM, &want, err) < 0)
		return -1;
	j = load(buf, len, "index", err);
	if (!j)
		return -1;
	mt = json_string_value(json_object_get(j, "mediaType"));
	if (mt && strcmp(mt, MT_OCI_INDEX) && strcmp(mt, MT_DOCKER_LIST))
		return berr_fail(err, "index: unexpected media type \"%.200s\"", mt);
	manifests = json_object_get(j, "manifests");
	if (!json_is_array(manifests))
		return berr_fail(err, "index: manifests is not an array");
	nv = compatible_variants(&want, variants);
	for (size_t v = 0; v < nv; v++) {
		json_array_foreach(manifests, i, e) {
			struct platform p;
			char what[48];

			if (!entry_is_image(e) || !entry_platform(e, &p))
				continue;
			if (strcmp(p.os, want.os) || strcmp(p.arch, want.arch) ||
			    strcmp(p.variant, variants[v]))
				continue;
			snprintf(what, sizeof(what), "index entry %zu", i);
			if (descriptor_parse(e, out, what, err) < 0)
				return berr_prefix(err, "index");
			return 0;
		}
	}
	avail = available_platforms(manifests);
	return berr_fail_code(err, ENOENT, "no image for platform %s/%s%s%s in the index (available: %s)",
			want.os, want.arch, want.variant[0] ? "/" : "", want.variant,
			avail && *avail ? avail : "none");
}

int config_diff_ids(const char *config, size_t len, char ***diff_ids, size_t *n, berr_t *err)
{
	_cleanup_json_ json_t *j = NULL;
	_cleanup_strv_ char **v = NULL;
	json_t *rootfs, *ids, *id;
	const char *type;
	size_t i;

	j = load(config, len, "image config", err);
	if (!j)
		return -1;
	rootfs = json_object_get(j, "rootfs");
	if (!json_is_object(rootfs))
		return berr_fail(err, "image config: no rootfs");
	type = json_string_value(json_object_get(rootfs, "type"));
	if (!type || strcmp(type, "layers"))
		return berr_fail(err, "image config: rootfs.type is not \"layers\"");
	ids = json_object_get(rootfs, "diff_ids");
	if (!json_is_array(ids))
		return berr_fail(err, "image config: rootfs.diff_ids is not an array");
	if (json_array_size(ids) > MAX_LAYERS)
		return berr_fail(err, "image config: %zu layers (at most %d)", json_array_size(ids),
				 MAX_LAYERS);
	v = calloc(json_array_size(ids) + 1, sizeof(*v));
	if (!v)
		return berr_errno(err, "image config");
	json_array_foreach(ids, i, id) {
		const char *d = json_string_value(id);

		if (!d)
			return berr_fail(err, "image config: diff_id %zu is not a string", i);
		if (digest_check(d, err) < 0)
			return berr_prefix(err, "image config: diff_id %zu", i);
		v[i] = strdup(d);
		if (!v[i])
			return berr_errno(err, "image config");
	}
	*n = json_array_size(ids);
	*diff_ids = steal_ptr(v);
	return 0;
}
