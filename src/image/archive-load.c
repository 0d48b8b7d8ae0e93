/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * berth load: OCI layouts (a directory or a tar of one) and docker-archives.
 *
 * Two phases.  First every image of the archive is planned: metadata read and
 * checked (digests, diff_id counts, every named file present), nothing written.
 * Then blobs are streamed into the store with digest verification, layers
 * unpacked (layer_unpack checks the diff_ids) and the images recorded.  A
 * failure in the second phase takes back the blobs and layers this load added,
 * so a bad archive leaves the store as it found it.
 *
 * Names.  docker-archive: each RepoTag, normalised as docker does.  OCI: the
 * io.containerd.image.name annotation if there is one (docker and containerd
 * write the full name there), else org.opencontainers.image.ref.name: a full
 * reference ("busybox:1", "host/a/b:t") is normalised as docker does; a bare
 * name without ':' or '/' ("latest", as skopeo and mkimage.sh write) is taken as
 * podman does, as a repository under localhost: "latest" -> localhost/latest:latest.
 * An image without a name is loaded by id only.
 */
#include "archive-internal.h"
#include "dl.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <jansson.h>
#include <string.h>

#define MAX_IMAGES 1000
#define MAX_LAYERS 1000
#define MAX_INDEX_DEPTH 4
#define ANN_REF_NAME "org.opencontainers.image.ref.name"
#define ANN_CONTAINERD_NAME "io.containerd.image.name"

static void json_unrefp(json_t **j)
{
	if (*j)
		json_decref(*j);
	*j = NULL;
}
#define _cleanup_json_ __attribute__((cleanup(json_unrefp)))

/* One image to load. */
struct plan {
	char *manifest;                 /* OCI: the manifest as found; docker: made in phase 2 */
	size_t manifest_len;
	char manifest_digest[DIGEST_LEN + 1];
	char *config;
	size_t config_len;
	char config_digest[DIGEST_LEN + 1];
	size_t n_layers;
	char **layer_paths;             /* archive paths */
	char **layer_digests;           /* OCI: from the manifest; docker: what was stored */
	char **layer_types;
	int64_t *layer_sizes;           /* -1: not known before copying */
	char **diff_ids;                /* NULL-terminated */
	char **names;                   /* normalised, NULL-terminated */
	uint64_t size;                  /* config + compressed layers */
	bool docker;
};

struct loader {
	struct berth_store *s;
	struct archive_src src;
	struct plan *plans;
	size_t n_plans;
	/* what this load added, taken back on failure */
	char **new_blobs;
	size_t n_new_blobs;
	char **new_layers;
	size_t n_new_layers;
};

static void strv_free_n(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void plan_clear(struct plan *p)
{
	free(p->manifest);
	free(p->config);
	strv_free_n(p->layer_paths, p->n_layers);
	strv_free_n(p->layer_digests, p->n_layers);
	strv_free_n(p->layer_types, p->n_layers);
	free(p->layer_sizes);
	strv_freep(&p->diff_ids);
	strv_freep(&p->names);
}

static int plan_alloc_layers(struct plan *p, size_t n, berr_t *err)
{
	if (n > MAX_LAYERS)
		return berr_fail(err, "more than %d layers", MAX_LAYERS);
	p->n_layers = n;
	p->layer_paths = calloc(n + 1, sizeof(char *));
	p->layer_digests = calloc(n + 1, sizeof(char *));
	p->layer_types = calloc(n + 1, sizeof(char *));
	p->layer_sizes = calloc(n + 1, sizeof(int64_t));
	if (!p->layer_paths || !p->layer_digests || !p->layer_types || !p->layer_sizes)
		return berr_set(err, ENOMEM, "plan");
	return 0;
}

static int plan_add_name(struct plan *p, const char *name, berr_t *err)
{
	size_t n = 0;
	char **v;

	while (p->names && p->names[n])
		n++;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(p->names[i], name))
			return 0;
	v = realloc(p->names, (n + 2) * sizeof(char *));
	if (!v)
		return berr_set(err, ENOMEM, "name");
	p->names = v;
	v[n] = strdup(name);
	v[n + 1] = NULL;
	if (!v[n])
		return berr_set(err, ENOMEM, "name");
	return 0;
}

static struct plan *loader_new_plan(struct loader *l, berr_t *err)
{
	struct plan *v;

	if (l->n_plans >= MAX_IMAGES) {
		berr_fail(err, "more than %d images in the archive", MAX_IMAGES);
		return NULL;
	}
	v = realloc(l->plans, (l->n_plans + 1) * sizeof(*v));
	if (!v) {
		berr_set(err, ENOMEM, "plan");
		return NULL;
	}
	l->plans = v;
	v[l->n_plans] = (struct plan){ 0 };
	return &v[l->n_plans++];
}

static char *blob_path(const char *digest)
{
	char *p;

	if (asprintf(&p, "blobs/sha256/%s", digest_hex(digest)) < 0)
		return NULL;
	return p;
}

/* A blob of an OCI layout, read whole and checked against its descriptor. */
static int oci_read_blob(struct loader *l, const char *digest, int64_t size, char **buf,
			 size_t *len, berr_t *err)
{
	_cleanup_free_ char *path = NULL;
	char got[DIGEST_LEN + 1];

	if (digest_check(digest, err) < 0)
		return -1;
	path = blob_path(digest);
	if (!path)
		return berr_set(err, ENOMEM, "blob");
	if (archive_src_read(&l->src, path, ARCHIVE_MAX_JSON, buf, len, err) < 0)
		return berr_prefix(err, "blob %s", digest);
	sha256_buf(*buf, *len, got);
	if (strcmp(got, digest) || (size >= 0 && (size_t)size != *len)) {
		free(steal_ptr(*buf));
		return berr_fail(err, "blob %s: digest mismatch (content is %s, %zu bytes)", digest,
				 got, *len);
	}
	return 0;
}

/* ----------------------------------------------------------------------------------------- */
/* names */

static int oci_name(const char *ann, char **out, berr_t *err)
{
	_cleanup_free_ char *tmp = NULL;

	if (!strpbrk(ann, ":/@")) {
		if (asprintf(&tmp, "localhost/%s", ann) < 0)
			return berr_set(err, ENOMEM, "name");
		ann = tmp;
	}
	*out = ref_normalize(ann, err);
	if (!*out)
		return berr_prefix(err, "image name \"%s\"", ann);
	return 0;
}

/* ----------------------------------------------------------------------------------------- */
/* phase 1: OCI layout */

static int plan_oci_image(struct loader *l, const char *mbuf, size_t mlen, const char *mdigest,
			  const char *name, berr_t *err)
{
	struct manifest m = { 0 };
	struct plan *p;
	size_t n_diff = 0;
	int r = -1;

	if (manifest_parse(mbuf, mlen, &m, err) < 0)
		return berr_prefix(err, "manifest %s", mdigest);
	p = loader_new_plan(l, err);
	if (!p)
		goto out;
	p->manifest = malloc(mlen + 1);
	if (!p->manifest) {
		berr_set(err, ENOMEM, "manifest");
		goto out;
	}
	memcpy(p->manifest, mbuf, mlen);
	p->manifest[mlen] = '\0';
	p->manifest_len = mlen;
	snprintf(p->manifest_digest, sizeof(p->manifest_digest), "%s", mdigest);
	if (oci_read_blob(l, m.config.digest, m.config.size, &p->config, &p->config_len, err) < 0) {
		berr_prefix(err, "config");
		goto out;
	}
	snprintf(p->config_digest, sizeof(p->config_digest), "%s", m.config.digest);
	if (config_diff_ids(p->config, p->config_len, &p->diff_ids, &n_diff, err) < 0) {
		berr_prefix(err, "config %s", m.config.digest);
		goto out;
	}
	if (n_diff != m.n_layers) {
		berr_fail(err, "manifest %s has %zu layers, its config %zu diff_ids", mdigest,
			  m.n_layers, n_diff);
		goto out;
	}
	if (plan_alloc_layers(p, m.n_layers, err) < 0)
		goto out;
	for (size_t i = 0; i < m.n_layers; i++) {
		const struct descriptor *d = &m.layers[i];

		if (digest_check(d->digest, err) < 0) {
			berr_prefix(err, "layer %zu", i);
			goto out;
		}
		p->layer_paths[i] = blob_path(d->digest);
		p->layer_digests[i] = strdup(d->digest);
		p->layer_types[i] = strdup(d->media_type ? d->media_type : MT_OCI_LAYER);
		p->layer_sizes[i] = d->size;
		if (!p->layer_paths[i] || !p->layer_digests[i] || !p->layer_types[i]) {
			berr_set(err, ENOMEM, "plan");
			goto out;
		}
		if (!archive_src_has(&l->src, p->layer_paths[i])) {
			berr_set(err, ENOENT, "layer %s: blob missing from the archive", d->digest);
			goto out;
		}
	}
	if (name && plan_add_name(p, name, err) < 0)
		goto out;
	r = 0;
out:
	manifest_clear(&m);
	return r;
}

/* A descriptor of index.json: an image manifest, or an index to pick linux/amd64 from. */
static int plan_oci_descriptor(struct loader *l, const char *digest, int64_t size,
			       const char *media_type, const char *name, int depth, berr_t *err)
{
	_cleanup_free_ char *buf = NULL;
	enum manifest_kind kind;
	struct descriptor sel = { 0 };
	size_t len;
	int r;

	if (depth > MAX_INDEX_DEPTH)
		return berr_fail(err, "indexes nested deeper than %d", MAX_INDEX_DEPTH);
	if (oci_read_blob(l, digest, size, &buf, &len, err) < 0)
		return berr_prefix(err, "manifest");
	if (manifest_kind(buf, len, media_type, &kind, err) < 0)
		return berr_prefix(err, "manifest %s", digest);
	if (kind == MANIFEST_IMAGE)
		return plan_oci_image(l, buf, len, digest, name, err);
	if (index_select(buf, len, BERTH_DEFAULT_PLATFORM, &sel, err) < 0)
		return berr_prefix(err, "index %s", digest);
	r = plan_oci_descriptor(l, sel.digest, sel.size, sel.media_type, name, depth + 1, err);
	descriptor_clear(&sel);
	return r;
}

static int plan_oci(struct loader *l, berr_t *err)
{
	_cleanup_free_ char *layout = NULL;
	_cleanup_free_ char *index = NULL;
	_cleanup_json_ json_t *lj = NULL;
	_cleanup_json_ json_t *ij = NULL;
	json_error_t jerr;
	json_t *ms, *d;
	size_t len, i;

	if (archive_src_read(&l->src, "oci-layout", 4096, &layout, &len, err) < 0)
		return -1;
	lj = json_loadb(layout, len, 0, &jerr);
	if (!json_is_string(json_object_get(lj, "imageLayoutVersion")))
		return berr_fail(err, "oci-layout: no imageLayoutVersion");
	if (archive_src_read(&l->src, "index.json", ARCHIVE_MAX_JSON, &index, &len, err) < 0)
		return -1;
	ij = json_loadb(index, len, 0, &jerr);
	if (!ij)
		return berr_fail(err, "index.json: %s", jerr.text);
	ms = json_object_get(ij, "manifests");
	if (!json_is_array(ms))
		return berr_fail(err, "index.json: no manifests");
	if (json_array_size(ms) == 0)
		return berr_fail(err, "index.json: no images");
	json_array_foreach(ms, i, d) {
		json_t *ann = json_object_get(d, "annotations");
		const char *digest = json_string_value(json_object_get(d, "digest"));
		const char *mt = json_string_value(json_object_get(d, "mediaType"));
		const char *a = json_string_value(json_object_get(ann, ANN_CONTAINERD_NAME));
		json_t *js = json_object_get(d, "size");
		_cleanup_free_ char *name = NULL;

		if (!a)
			a = json_string_value(json_object_get(ann, ANN_REF_NAME));
		if (!digest)
			return berr_fail(err, "index.json: manifest %zu has no digest", i);
		if (a && *a && oci_name(a, &name, err) < 0)
			return berr_prefix(err, "index.json");
		if (plan_oci_descriptor(l, digest, json_is_integer(js) ? json_integer_value(js) : -1,
					mt, name, 0, err) < 0)
			return -1;
	}
	return 0;
}

/* ----------------------------------------------------------------------------------------- */
/* phase 1: docker-archive */

static int docker_path(json_t *v, char **out, berr_t *err)
{
	if (!json_is_string(v))
		return berr_fail(err, "not a path");
	return archive_path_clean(json_string_value(v), out, err);
}

static int plan_docker_image(struct loader *l, json_t *item, size_t idx, berr_t *err)
{
	json_t *tags = json_object_get(item, "RepoTags");
	json_t *layers = json_object_get(item, "Layers");
	_cleanup_free_ char *cpath = NULL;
	struct plan *p;
	size_t n_diff, i;
	json_t *v;

	p = loader_new_plan(l, err);
	if (!p)
		return -1;
	p->docker = true;
	if (docker_path(json_object_get(item, "Config"), &cpath, err) < 0)
		return berr_prefix(err, "manifest.json: image %zu: Config", idx);
	if (archive_src_read(&l->src, cpath, ARCHIVE_MAX_JSON, &p->config, &p->config_len, err) < 0)
		return berr_prefix(err, "config");
	sha256_buf(p->config, p->config_len, p->config_digest);
	if (config_diff_ids(p->config, p->config_len, &p->diff_ids, &n_diff, err) < 0)
		return berr_prefix(err, "config %s", cpath);
	if (!json_is_array(layers) || json_array_size(layers) != n_diff)
		return berr_fail(err, "manifest.json: image %zu: %zu Layers for %zu diff_ids", idx,
				 json_array_size(layers), n_diff);
	if (plan_alloc_layers(p, n_diff, err) < 0)
		return -1;
	json_array_foreach(layers, i, v) {
		if (docker_path(v, &p->layer_paths[i], err) < 0)
			return berr_prefix(err, "manifest.json: image %zu: layer %zu", idx, i);
		if (!archive_src_has(&l->src, p->layer_paths[i]))
			return berr_set(err, ENOENT, "layer %s: missing from the archive",
					p->layer_paths[i]);
		p->layer_sizes[i] = -1;
	}
	if (json_is_array(tags)) {
		json_array_foreach(tags, i, v) {
			_cleanup_free_ char *name = NULL;

			if (!json_is_string(v))
				return berr_fail(err, "manifest.json: RepoTags: not a string");
			name = ref_normalize(json_string_value(v), err);
			if (!name)
				return berr_prefix(err, "manifest.json: RepoTag \"%s\"",
						   json_string_value(v));
			if (plan_add_name(p, name, err) < 0)
				return -1;
		}
	}
	return 0;
}

static int plan_docker(struct loader *l, berr_t *err)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_json_ json_t *j = NULL;
	json_error_t jerr;
	json_t *item;
	size_t len, i;

	if (archive_src_read(&l->src, "manifest.json", ARCHIVE_MAX_JSON, &buf, &len, err) < 0)
		return -1;
	j = json_loadb(buf, len, 0, &jerr);
	if (!j)
		return berr_fail(err, "manifest.json: %s", jerr.text);
	if (!json_is_array(j) || json_array_size(j) == 0)
		return berr_fail(err, "manifest.json: not a list of images");
	json_array_foreach(j, i, item) {
		if (plan_docker_image(l, item, i, err) < 0)
			return -1;
	}
	return 0;
}

/* ----------------------------------------------------------------------------------------- */
/* phase 2 */

static int remember(char ***v, size_t *n, const char *digest, berr_t *err)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(char *));

	if (!nv)
		return berr_set(err, ENOMEM, "remember");
	*v = nv;
	nv[*n] = strdup(digest);
	if (!nv[*n])
		return berr_set(err, ENOMEM, "remember");
	(*n)++;
	return 0;
}

struct blob_sink {
	struct blob_writer *w;
	struct sha256 *h;       /* our own hash: to know, before commit, if the blob is new */
	unsigned char head[4];
	size_t head_len;
};

static int blob_sink(void *ctx, const void *buf, size_t len, berr_t *err)
{
	struct blob_sink *b = ctx;

	/* the first bytes tell the compression of a docker-archive layer */
	for (size_t i = 0; b->head_len < sizeof(b->head) && i < len; i++)
		b->head[b->head_len++] = ((const unsigned char *)buf)[i];
	sha256_update(b->h, buf, len);
	return blob_write(b->w, buf, len, err);
}

static const char *layer_type_of(const struct blob_sink *b)
{
	static const unsigned char gz[] = { 0x1f, 0x8b }, zst[] = { 0x28, 0xb5, 0x2f, 0xfd };

	if (b->head_len >= 2 && !memcmp(b->head, gz, 2))
		return MT_OCI_LAYER_GZIP;
	if (b->head_len >= 4 && !memcmp(b->head, zst, 4))
		return MT_OCI_LAYER_ZSTD;
	return MT_OCI_LAYER;
}

/*
 * Stream a file of the archive into the store.  want (NULL for docker layers,
 * whose digest is that of the file) is checked by the blob writer.  A blob the
 * store already had is not written again, and is not ours to take back.
 */
static int copy_blob(struct loader *l, const char *path, const char *want, int64_t want_size,
		     char digest[DIGEST_LEN + 1], int64_t *size, const char **type, berr_t *err)
{
	struct blob_sink b = { 0 };
	char got[DIGEST_LEN + 1];

	if (want && blob_has(l->s, want) && !type) {
		snprintf(digest, DIGEST_LEN + 1, "%s", want);
		if (size)
			*size = blob_size(l->s, want);
		return 0;
	}
	b.h = sha256_new();
	if (!b.h)
		return dl_crypto_load(err) ?: berr_set(err, ENOMEM, "hash");
	if (blob_begin(l->s, want, want_size, &b.w, err) < 0) {
		sha256_free(b.h);
		return -1;
	}
	if (archive_src_stream(&l->src, path, blob_sink, &b, size, err) < 0) {
		blob_abort(b.w);
		sha256_free(b.h);
		return -1;
	}
	sha256_final(b.h, got);
	if (type)
		*type = layer_type_of(&b);
	if (blob_has(l->s, got) && (!want || !strcmp(want, got))) {
		blob_abort(b.w);
		snprintf(digest, DIGEST_LEN + 1, "%s", got);
		return 0;
	}
	if (blob_commit(b.w, digest, err) < 0)
		return -1;
	return remember(&l->new_blobs, &l->n_new_blobs, digest, err);
}

static int put_blob(struct loader *l, const void *buf, size_t len, char digest[DIGEST_LEN + 1],
		    berr_t *err)
{
	char want[DIGEST_LEN + 1];

	sha256_buf(buf, len, want);
	if (blob_has(l->s, want)) {
		memcpy(digest, want, sizeof(want));
		return 0;
	}
	if (blob_put(l->s, buf, len, digest, err) < 0)
		return -1;
	return remember(&l->new_blobs, &l->n_new_blobs, digest, err);
}

static int unpack_layer(struct loader *l, const char *blob, const char *diff_id, berr_t *err)
{
	_cleanup_close_ int fd = -1;

	if (layer_has(l->s, diff_id))
		return 0;
	fd = blob_open(l->s, blob, err);
	if (fd < 0)
		return -1;
	if (layer_unpack(l->s, fd, diff_id, NULL, err) < 0)
		return berr_prefix(err, "unpack layer %s", blob);
	return remember(&l->new_layers, &l->n_new_layers, diff_id, err);
}

/* The OCI image manifest of an image from a docker-archive. */
static int docker_manifest(struct plan *p, berr_t *err)
{
	_cleanup_json_ json_t *m = NULL;
	json_t *layers = json_array();

	m = json_pack("{s:i, s:s, s:{s:s, s:s, s:I}, s:o}", "schemaVersion", 2, "mediaType",
		      MT_OCI_MANIFEST, "config", "mediaType", MT_OCI_CONFIG, "digest",
		      p->config_digest, "size", (json_int_t)p->config_len, "layers", layers);
	if (!m)
		return berr_set(err, ENOMEM, "make the manifest");
	for (size_t i = 0; i < p->n_layers; i++) {
		json_t *d = json_pack("{s:s, s:s, s:I}", "mediaType", p->layer_types[i], "digest",
				      p->layer_digests[i], "size", (json_int_t)p->layer_sizes[i]);

		if (!d || json_array_append_new(layers, d) < 0)
			return berr_set(err, ENOMEM, "make the manifest");
	}
	p->manifest = json_dumps(m, JSON_COMPACT);
	if (!p->manifest)
		return berr_set(err, ENOMEM, "make the manifest");
	p->manifest_len = strlen(p->manifest);
	return 0;
}

static int store_plan(struct loader *l, struct plan *p, berr_t *err)
{
	char got[DIGEST_LEN + 1];
	uint64_t size = p->config_len;

	if (put_blob(l, p->config, p->config_len, got, err) < 0)
		return berr_prefix(err, "store config");
	for (size_t i = 0; i < p->n_layers; i++) {
		const char *type = NULL;
		int64_t n = -1;

		if (copy_blob(l, p->layer_paths[i], p->docker ? NULL : p->layer_digests[i],
			      p->layer_sizes[i], got, &n, p->docker ? &type : NULL, err) < 0)
			return berr_prefix(err, "store layer");
		if (p->docker) {
			p->layer_digests[i] = strdup(got);
			p->layer_types[i] = strdup(type);
			p->layer_sizes[i] = n;
			if (!p->layer_digests[i] || !p->layer_types[i])
				return berr_set(err, ENOMEM, "store layer");
		}
		if (p->layer_sizes[i] > 0)
			size += (uint64_t)p->layer_sizes[i];
	}
	if (p->docker && docker_manifest(p, err) < 0)
		return -1;
	if (put_blob(l, p->manifest, p->manifest_len, p->manifest_digest, err) < 0)
		return berr_prefix(err, "store manifest");
	for (size_t i = 0; i < p->n_layers; i++)
		if (unpack_layer(l, p->layer_digests[i], p->diff_ids[i], err) < 0)
			return -1;
	p->size = size;
	return 0;
}

static int record_plan(struct loader *l, struct plan *p, berr_t *err)
{
	struct image_record rec = { 0 };

	rec.id = p->config_digest;
	rec.manifest_digest = p->manifest_digest;
	rec.manifest_type = MT_OCI_MANIFEST;
	rec.size = p->size;
	rec.n_layers = p->n_layers;
	rec.diff_ids = (const char *const *)p->diff_ids;
	rec.blob_digests = (const char *const *)p->layer_digests;
	if (!p->docker) {
		struct manifest m = { 0 };

		/* a docker schema2 manifest in an OCI layout keeps its own type */
		if (manifest_parse(p->manifest, p->manifest_len, &m, err) < 0)
			return -1;
		if (m.media_type && !strcmp(m.media_type, MT_DOCKER_MANIFEST))
			rec.manifest_type = MT_DOCKER_MANIFEST;
		manifest_clear(&m);
	}
	if (!p->names || !p->names[0])
		return store_image_add(l->s, &rec, NULL, err);
	for (char **n = p->names; *n; n++)
		if (store_image_add(l->s, &rec, *n, err) < 0)
			return berr_prefix(err, "record %s", *n);
	return 0;
}

/* Take back what a failed load added: nothing names these yet. */
static void loader_rollback(struct loader *l)
{
	for (size_t i = 0; i < l->n_new_layers; i++) {
		_cleanup_berr_ berr_t err = NULL;
		_cleanup_free_ char *p = NULL;

		if (asprintf(&p, "layers/%s", digest_hex(l->new_layers[i])) >= 0)
			remove_tree_at(l->s->root_fd, p, &err);
	}
	for (size_t i = 0; i < l->n_new_blobs; i++) {
		_cleanup_free_ char *p = blob_path(l->new_blobs[i]);

		if (p)
			unlinkat(l->s->root_fd, p, 0);
	}
}

static void loader_clear(struct loader *l)
{
	for (size_t i = 0; i < l->n_plans; i++)
		plan_clear(&l->plans[i]);
	free(l->plans);
	strv_free_n(l->new_blobs, l->n_new_blobs);
	strv_free_n(l->new_layers, l->n_new_layers);
	archive_src_close(&l->src);
}

static int loaded_names(struct loader *l, char ***out, berr_t *err)
{
	size_t n = 0, k = 0;
	char **v;

	for (size_t i = 0; i < l->n_plans; i++) {
		size_t c = 0;

		while (l->plans[i].names && l->plans[i].names[c])
			c++;
		n += c ? c : 1;
	}
	v = calloc(n + 1, sizeof(char *));
	if (!v)
		return berr_set(err, ENOMEM, "names");
	for (size_t i = 0; i < l->n_plans; i++) {
		struct plan *p = &l->plans[i];

		if (!p->names || !p->names[0])
			v[k++] = strdup(p->config_digest);
		for (char **nm = p->names; nm && *nm; nm++)
			v[k++] = strdup(*nm);
	}
	for (size_t i = 0; i < k; i++) {
		if (!v[i]) {
			strv_freep(&v);
			return berr_set(err, ENOMEM, "names");
		}
	}
	*out = v;
	return 0;
}

int berth_load(struct berth_store *s, const char *path, char ***names, berr_t *err)
{
	struct loader l = { .s = s };
	int r = -1;

	if (names)
		*names = NULL;
	/* for sha256_buf, which has no error path */
	if (dl_crypto_load(err) < 0)
		return -1;
	if (archive_src_open(s, path, &l.src, err) < 0)
		goto out;
	if (archive_src_has(&l.src, "oci-layout") && archive_src_has(&l.src, "index.json")) {
		if (plan_oci(&l, err) < 0)
			goto out;
	} else if (l.src.dirfd < 0 && archive_src_has(&l.src, "manifest.json")) {
		if (plan_docker(&l, err) < 0)
			goto out;
	} else {
		berr_fail(err, "neither an OCI layout (oci-layout, index.json) nor a docker-archive "
			       "(manifest.json)");
		goto out;
	}
	/* every blob and layer of every image first: until an image is recorded,
	 * what this load added is unreferenced and can be taken back whole */
	for (size_t i = 0; i < l.n_plans; i++) {
		if (store_plan(&l, &l.plans[i], err) < 0) {
			loader_rollback(&l);
			goto out;
		}
	}
	for (size_t i = 0; i < l.n_plans; i++) {
		if (record_plan(&l, &l.plans[i], err) < 0) {
			if (i == 0)
				loader_rollback(&l);
			goto out;
		}
	}
	if (names && loaded_names(&l, names, err) < 0)
		goto out;
	r = 0;
out:
	loader_clear(&l);
	return r;
}
