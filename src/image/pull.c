/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * berth_pull: manifest (through an index to the platform's entry), config,
 * then every missing layer at once, each one streamed: the bytes curl hands
 * us go to the blob writer (hashed as they come) and down a socket to a
 * thread that unpacks them, so download, decompression and extraction
 * overlap.  The image enters the index only when all of it is in place; on
 * failure the blobs and layers this pull added are taken out again.
 */
#include "registry.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#define MAX_PARALLEL 6
#define MANIFEST_MAX (4u << 20)
#define CONFIG_MAX (16u << 20)

struct pull {
	struct berth_store *s;
	struct reg *r;
	const char *path;       /* repository */
	char *scope;
	struct progress *pg;
	atomic_bool cancel;
	pthread_mutex_t lock;
	berr_t err;             /* the first failure */
	struct manifest m;
	char **diff_ids;
	bool *todo;             /* layers to fetch */
	bool *added_blob, *added_layer;
	int *bar;
	size_t next;            /* next layer for a worker, under lock */
};

static void fail(struct pull *p, berr_t *err)
{
	pthread_mutex_lock(&p->lock);
	if (!p->err) {
		p->err = *err;
		*err = NULL;
	}
	atomic_store(&p->cancel, true);
	pthread_mutex_unlock(&p->lock);
	berr_free(err);
}

static char *blob_url(const char *path, const char *digest)
{
	char *s;

	if (asprintf(&s, "/v2/%s/blobs/%s", path, digest) < 0)
		return NULL;
	return s;
}

/* GET a manifest by tag or digest, verified against the digest it should have. */
static int fetch_manifest(struct pull *p, const char *reference, const char *want, char **buf,
			  size_t *len, char **ctype, char digest[DIGEST_LEN + 1], berr_t *err)
{
	_cleanup_free_ char *url = NULL;
	struct reg_resp resp = { 0 };
	struct reg_req q = { .accept = MANIFEST_ACCEPT, .scope = p->scope,
			     .max_body = MANIFEST_MAX, .cancel = &p->cancel };
	const char *expect;

	if (asprintf(&url, "/v2/%s/manifests/%s", p->path, reference) < 0)
		return berr_set(err, ENOMEM, "fetch manifest");
	q.url = url;
	if (reg_do(p->r, &q, &resp, err) < 0)
		return berr_prefix(err, "fetch manifest");
	if (resp.status != 200) {
		reg_status_error(p->r, &resp, err);
		reg_resp_clear(&resp);
		return berr_prefix(err, "fetch manifest %s", reference);
	}
	if (resp.truncated) {
		reg_resp_clear(&resp);
		return berr_fail(err, "fetch manifest %s: larger than %u bytes", reference,
				 MANIFEST_MAX);
	}
	sha256_buf(resp.body ? resp.body : "", resp.len, digest);
	/* by digest: that digest; by tag: what the registry says it served */
	expect = want ? want : resp.digest && !strncmp(resp.digest, "sha256:", 7) ? resp.digest
										: NULL;
	if (expect && strcmp(expect, digest)) {
		berr_fail(err, "fetch manifest %s: digest mismatch: got %s, want %s", reference,
			  digest, expect);
		reg_resp_clear(&resp);
		return -EBADMSG;
	}
	if (resp.content_type)
		resp.content_type[strcspn(resp.content_type, "; ")] = 0;
	*buf = steal_ptr(resp.body);
	*len = resp.len;
	*ctype = steal_ptr(resp.content_type);
	if (!*buf)
		*buf = strdup("");
	reg_resp_clear(&resp);
	return 0;
}

struct mem_sink {
	char *buf;
	size_t len, max;
};

static int fetch_config(struct pull *p, char **buf, size_t *len, berr_t *err)
{
	const struct descriptor *d = &p->m.config;
	_cleanup_free_ char *url = blob_url(p->path, d->digest);
	struct reg_resp resp = { 0 };
	struct reg_req q = { .url = url, .scope = p->scope, .max_body = CONFIG_MAX,
			     .cancel = &p->cancel };
	char got[DIGEST_LEN + 1];
	int bar;

	if (blob_has(p->s, d->digest)) {
		bar = progress_add(p->pg, "Copying config", d->digest, d->size);
		progress_finish(p->pg, bar, "skipped: already exists");
		return blob_read(p->s, d->digest, CONFIG_MAX, buf, len, err);
	}
	if (!url)
		return berr_set(err, ENOMEM, "fetch config");
	bar = progress_add(p->pg, "Copying config", d->digest, d->size);
	if (reg_do(p->r, &q, &resp, err) < 0)
		goto fail;
	if (resp.status != 200) {
		reg_status_error(p->r, &resp, err);
		goto fail;
	}
	sha256_buf(resp.body ? resp.body : "", resp.len, got);
	if (resp.truncated || strcmp(got, d->digest)) {
		berr_fail(err, "digest mismatch: got %s", got);
		goto fail;
	}
	if (blob_put(p->s, resp.body ? resp.body : "", resp.len, got, err) < 0)
		goto fail;
	p->m.config.size = (int64_t)resp.len;
	progress_finish(p->pg, bar, "done");
	*buf = steal_ptr(resp.body);
	*len = resp.len;
	if (!*buf)
		*buf = strdup("");
	reg_resp_clear(&resp);
	return 0;
fail:
	progress_finish(p->pg, bar, "failed");
	reg_resp_clear(&resp);
	return berr_prefix(err, "fetch config %s", d->digest);
}

struct unpacker {
	struct berth_store *s;
	int fd;
	const char *diff_id;
	berr_t err;
	int ret;
};

static void *unpack_thread(void *arg)
{
	struct unpacker *u = arg;

	u->ret = layer_unpack(u->s, u->fd, u->diff_id, NULL, &u->err);
	return NULL;
}

struct layer_sink {
	struct pull *p;
	struct blob_writer *w;
	int sock;
	int bar;
	int64_t done;
	berr_t err;
	bool unpack_gone;       /* the unpacker stopped reading */
};

static int layer_sink_write(void *arg, const void *buf, size_t len)
{
	struct layer_sink *ls = arg;
	const char *b = buf;

	if (blob_write(ls->w, buf, len, &ls->err) < 0)
		return -1;
	while (len) {
		ssize_t n = send(ls->sock, b, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			ls->unpack_gone = true;
			return berr_errno(&ls->err, "feed the unpacker");
		}
		b += n;
		len -= n;
	}
	ls->done += b - (const char *)buf;
	progress_update(ls->p->pg, ls->bar, ls->done);
	return 0;
}

/* A blob already stored but never unpacked: unpack from the store. */
static int unpack_stored(struct pull *p, size_t i, berr_t *err)
{
	_cleanup_close_ int fd = blob_open(p->s, p->m.layers[i].digest, err);

	if (fd < 0)
		return -1;
	return layer_unpack(p->s, fd, p->diff_ids[i], NULL, err);
}

static int fetch_layer(struct pull *p, size_t i, berr_t *err)
{
	const struct descriptor *d = &p->m.layers[i];
	_cleanup_free_ char *url = blob_url(p->path, d->digest);
	struct layer_sink ls = { .p = p, .sock = -1, .bar = p->bar[i] };
	struct unpacker u = { .s = p->s, .diff_id = p->diff_ids[i], .fd = -1 };
	struct reg_req q = { .url = url, .scope = p->scope, .sink = layer_sink_write, .sink_arg = &ls,
			     .cancel = &p->cancel, .max_body = 64 * 1024 };
	struct reg_resp resp = { 0 };
	int sv[2], ret = -1, sz = 1 << 20;
	pthread_t th;

	if (!url)
		return berr_set(err, ENOMEM, "fetch");
	if (blob_begin(p->s, d->digest, d->size, &ls.w, err) < 0)
		return -1;
	/* a socket, not a pipe: MSG_NOSIGNAL spares us SIGPIPE when the unpacker quits early */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		blob_abort(ls.w);
		return berr_errno(err, "socketpair");
	}
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	ls.sock = sv[0];
	u.fd = sv[1];
	errno = pthread_create(&th, NULL, unpack_thread, &u);
	if (errno) {
		berr_errno(err, "start the unpacker");
		blob_abort(ls.w);
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	ret = reg_do(p->r, &q, &resp, err);
	if (ret == 0 && resp.status != 200)
		ret = reg_status_error(p->r, &resp, err);
	/* EOF for the unpacker: the whole layer, or a truncated one it will reject */
	shutdown(sv[0], SHUT_WR);
	pthread_join(th, NULL);
	close(sv[0]);
	close(sv[1]);
	if (ret < 0 && ls.err && !ls.unpack_gone) {
		/* the blob writer failed: its error says why */
		berr_free(err);
		*err = steal_ptr(ls.err);
	}
	if (ret == 0) {
		ret = blob_commit(ls.w, NULL, err);
		ls.w = NULL;
	}
	if (ls.w)
		blob_abort(ls.w);
	if (u.ret < 0 && (ret == 0 || ls.unpack_gone)) {
		berr_free(err);
		*err = steal_ptr(u.err);
		ret = -1;
		berr_prefix(err, "unpack layer %s", p->diff_ids[i]);
	}
	berr_free(&u.err);
	berr_free(&ls.err);
	reg_resp_clear(&resp);
	return ret;
}

static void *layer_worker(void *arg)
{
	struct pull *p = arg;

	for (;;) {
		_cleanup_berr_ berr_t err = NULL;
		size_t i;
		int ret;

		pthread_mutex_lock(&p->lock);
		while (p->next < p->m.n_layers && !p->todo[p->next])
			p->next++;
		i = p->next++;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->m.n_layers || atomic_load(&p->cancel))
			return NULL;
		p->added_blob[i] = !blob_has(p->s, p->m.layers[i].digest);
		p->added_layer[i] = !layer_has(p->s, p->diff_ids[i]);
		if (!p->added_blob[i])
			ret = unpack_stored(p, i, &err);
		else
			ret = fetch_layer(p, i, &err);
		if (ret < 0) {
			progress_finish(p->pg, p->bar[i], "failed");
			berr_prefix(&err, "fetch blob %s", p->m.layers[i].digest);
			fail(p, &err);
			return NULL;
		}
		progress_finish(p->pg, p->bar[i], "done");
	}
}

static int fetch_layers(struct pull *p, berr_t *err)
{
	pthread_t th[MAX_PARALLEL];
	size_t n = p->m.n_layers, n_todo = 0, n_th = 0;

	p->todo = calloc(n + 1, sizeof(bool));
	p->added_blob = calloc(n + 1, sizeof(bool));
	p->added_layer = calloc(n + 1, sizeof(bool));
	p->bar = calloc(n + 1, sizeof(int));
	if (!p->todo || !p->added_blob || !p->added_layer || !p->bar)
		return berr_set(err, ENOMEM, "fetch layers");
	for (size_t i = 0; i < n; i++) {
		const struct descriptor *d = &p->m.layers[i];
		bool dup = false;

		/* the same layer twice (empty layers are common): fetch it once */
		for (size_t j = 0; j < i && !dup; j++)
			dup = !strcmp(p->m.layers[j].digest, d->digest) ||
			      !strcmp(p->diff_ids[j], p->diff_ids[i]);
		if (dup)
			continue;
		p->bar[i] = progress_add(p->pg, "Copying blob", d->digest, d->size);
		if (layer_has(p->s, p->diff_ids[i]) && blob_has(p->s, d->digest)) {
			progress_finish(p->pg, p->bar[i], "skipped: already exists");
			continue;
		}
		p->todo[i] = true;
		n_todo++;
	}
	for (; n_th < n_todo && n_th < MAX_PARALLEL; n_th++) {
		errno = pthread_create(&th[n_th], NULL, layer_worker, p);
		if (errno) {
			berr_errno(err, "start a download thread");
			fail(p, err);
			break;
		}
	}
	for (size_t i = 0; i < n_th; i++)
		pthread_join(th[i], NULL);
	if (p->err) {
		*err = steal_ptr(p->err);
		return -1;
	}
	return 0;
}

/* Take out what a failed pull added, so that it leaves nothing behind. */
static void undo(struct pull *p, bool config_added)
{
	char path[128];

	for (size_t i = 0; p->todo && i < p->m.n_layers; i++) {
		if (p->added_layer[i] && layer_has(p->s, p->diff_ids[i])) {
			_cleanup_berr_ berr_t err = NULL;

			snprintf(path, sizeof(path), "layers/%s", digest_hex(p->diff_ids[i]));
			remove_tree_at(p->s->root_fd, path, &err);
		}
		if (p->added_blob[i] && blob_has(p->s, p->m.layers[i].digest)) {
			snprintf(path, sizeof(path), "blobs/sha256/%s",
				 digest_hex(p->m.layers[i].digest));
			unlinkat(p->s->root_fd, path, 0);
		}
	}
	if (config_added && p->m.config.digest) {
		snprintf(path, sizeof(path), "blobs/sha256/%s", digest_hex(p->m.config.digest));
		unlinkat(p->s->root_fd, path, 0);
	}
}

static int resolve(struct pull *p, const struct berth_ref *ref, const char *platform,
		   char **buf, size_t *len, char **ctype, char digest[DIGEST_LEN + 1],
		   berr_t *err)
{
	const char *reference = ref->digest ? ref->digest : ref->tag ? ref->tag : "latest";
	enum manifest_kind kind;
	struct descriptor d = { 0 };
	int ret;

	if (fetch_manifest(p, reference, ref->digest, buf, len, ctype, digest, err) < 0)
		return -1;
	if (manifest_kind(*buf, *len, *ctype, &kind, err) < 0)
		return berr_prefix(err, "manifest %s", reference);
	if (kind == MANIFEST_IMAGE)
		return 0;
	if (index_select(*buf, *len, platform, &d, err) < 0)
		return berr_prefix(err, "manifest list %s", reference);
	free(*buf);
	free(*ctype);
	*buf = *ctype = NULL;
	ret = fetch_manifest(p, d.digest, d.digest, buf, len, ctype, digest, err);
	if (ret == 0 && manifest_kind(*buf, *len, *ctype, &kind, err) == 0 &&
	    kind != MANIFEST_IMAGE)
		ret = berr_fail(err, "manifest %s for %s is an index again", d.digest, platform);
	descriptor_clear(&d);
	return ret;
}

int berth_pull(struct berth_store *s, const char *refstr, const struct berth_registry_opts *o,
	       char **image_id, berr_t *err)
{
	static const struct berth_registry_opts defaults = { .tls_verify = -1 };
	struct berth_ref ref = { 0 };
	struct pull p = { .s = s };
	_cleanup_free_ char *mbuf = NULL, *ctype = NULL, *cbuf = NULL, *name = NULL;
	char mdigest[DIGEST_LEN + 1];
	const char *platform;
	const char **blobs = NULL;
	bool config_added = false, manifest_added = false;
	size_t mlen, clen, n_diff = 0;
	uint64_t size;
	int ret = -1;

	if (!o)
		o = &defaults;
	platform = o->platform ? o->platform : BERTH_DEFAULT_PLATFORM;
	pthread_mutex_init(&p.lock, NULL);
	if (berth_ref_parse(refstr, &ref, err) < 0)
		goto out;
	name = ref_normalize(refstr, err);
	if (!name)
		goto out;
	p.path = ref.path;
	p.scope = reg_scope(ref.path, "pull");
	p.pg = progress_new(o->progress, o->out);
	if (!p.scope || !p.pg) {
		berr_set(err, ENOMEM, "pull");
		goto out;
	}
	if (reg_new(ref.domain, o, &p.r, err) < 0 || reg_ping(p.r, err) < 0)
		goto out;
	progress_msg(p.pg, "Trying to pull %s...", name);
	if (resolve(&p, &ref, platform, &mbuf, &mlen, &ctype, mdigest, err) < 0)
		goto out;
	if (manifest_parse(mbuf, mlen, &p.m, err) < 0) {
		berr_prefix(err, "manifest %s", mdigest);
		goto out;
	}
	progress_msg(p.pg, "Getting image source signatures");
	config_added = !blob_has(s, p.m.config.digest);
	if (fetch_config(&p, &cbuf, &clen, err) < 0)
		goto out;
	if (config_diff_ids(cbuf, clen, &p.diff_ids, &n_diff, err) < 0) {
		berr_prefix(err, "config %s", p.m.config.digest);
		goto out;
	}
	if (n_diff != p.m.n_layers) {
		berr_fail(err, "config %s has %zu diff_ids for %zu layers", p.m.config.digest,
			  n_diff, p.m.n_layers);
		goto out;
	}
	if (fetch_layers(&p, err) < 0)
		goto out;
	if (!blob_has(s, mdigest)) {
		if (blob_put(s, mbuf, mlen, mdigest, err) < 0)
			goto out;
		manifest_added = true;
	}

	blobs = calloc(p.m.n_layers + 1, sizeof(*blobs));
	if (!blobs) {
		berr_set(err, ENOMEM, "pull");
		goto out;
	}
	size = p.m.config.size > 0 ? (uint64_t)p.m.config.size : clen;
	for (size_t i = 0; i < p.m.n_layers; i++) {
		blobs[i] = p.m.layers[i].digest;
		size += p.m.layers[i].size > 0 ? (uint64_t)p.m.layers[i].size : 0;
	}
	struct image_record rec = {
		.id = p.m.config.digest,
		.manifest_digest = mdigest,
		.manifest_type = ctype && *ctype ? ctype : p.m.media_type,
		.size = size,
		.n_layers = p.m.n_layers,
		.diff_ids = (const char *const *)p.diff_ids,
		.blob_digests = blobs,
	};
	progress_msg(p.pg, "Writing manifest to image destination");
	if (store_image_add(s, &rec, name, err) < 0) {
		berr_prefix(err, "record image");
		goto out;
	}
	if (image_id && !(*image_id = strdup(p.m.config.digest))) {
		berr_set(err, ENOMEM, "pull");
		goto out;
	}
	ret = 0;
out:
	if (ret < 0 && p.r) {
		undo(&p, config_added);
		if (manifest_added) {
			char path[128];

			snprintf(path, sizeof(path), "blobs/sha256/%s", digest_hex(mdigest));
			unlinkat(s->root_fd, path, 0);
		}
	}
	free(blobs);
	strv_freep(&p.diff_ids);
	free(p.todo);
	free(p.added_blob);
	free(p.added_layer);
	free(p.bar);
	free(p.scope);
	manifest_clear(&p.m);
	progress_free(p.pg);
	reg_free(p.r);
	berth_ref_clear(&ref);
	berr_free(&p.err);
	pthread_mutex_destroy(&p.lock);
	return ret;
}
