/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * berth_push: the stored manifest byte for byte (so its digest is the one
 * the store knows), after every blob it names that the registry lacks,
 * each uploaded monolithically (POST for a session, PUT with the digest).
 */
#include "registry.h"
#include "../util/cleanup.h"

#include <string.h>

struct push {
	struct berth_store *s;
	struct reg *r;
	const char *path;
	char *scope;
	struct progress *pg;
};

/* 1: the registry has it, 0: it does not */
static int blob_exists(struct push *p, const char *digest, berr_t *err)
{
	_cleanup_free_ char *url = NULL;
	struct reg_resp resp = { 0 };
	struct reg_req q = { .method = "HEAD", .scope = p->scope };
	int ret;

	if (asprintf(&url, "/v2/%s/blobs/%s", p->path, digest) < 0)
		return berr_set(err, ENOMEM, "check blob");
	q.url = url;
	if (reg_do(p->r, &q, &resp, err) < 0)
		return -1;
	if (resp.status == 200)
		ret = 1;
	else if (resp.status == 404)
		ret = 0;
	else
		ret = reg_status_error(p->r, &resp, err);
	reg_resp_clear(&resp);
	return ret;
}

static int upload_blob(struct push *p, const char *digest, berr_t *err)
{
	_cleanup_free_ char *url = NULL, *put = NULL;
	_cleanup_close_ int fd = -1;
	struct reg_resp resp = { 0 };
	struct reg_req q = { .method = "POST", .scope = p->scope };
	int64_t size;
	int ret = -1;

	fd = blob_open(p->s, digest, err);
	if (fd < 0)
		return -1;
	size = blob_size(p->s, digest);
	if (size < 0)
		return berr_fail(err, "blob %s: size unknown", digest);
	if (asprintf(&url, "/v2/%s/blobs/uploads/", p->path) < 0)
		return berr_set(err, ENOMEM, "upload");
	q.url = url;
	if (reg_do(p->r, &q, &resp, err) < 0)
		return berr_prefix(err, "start upload");
	if (resp.status != 202 || !resp.location) {
		if (resp.status == 202)
			berr_fail(err, "202 without a Location");
		else
			reg_status_error(p->r, &resp, err);
		berr_prefix(err, "start upload");
		goto out;
	}
	/* Location is absolute or relative to the registry, and may carry a query already */
	if (asprintf(&put, "%s%s%sdigest=%s", resp.location[0] == '/' || strstr(resp.location, "://")
			? "" : "/", resp.location, strchr(resp.location, '?') ? "&" : "?", digest) < 0) {
		put = NULL;
		berr_set(err, ENOMEM, "upload");
		goto out;
	}
	struct reg_req pq = { .method = "PUT", .url = put, .scope = p->scope,
			      .content_type = "application/octet-stream", .body_fd = fd,
			      .body_size = size };

	if (reg_do(p->r, &pq, &resp, err) < 0) {
		berr_prefix(err, "upload");
		goto out;
	}
	if (resp.status != 201 && resp.status != 204) {
		reg_status_error(p->r, &resp, err);
		berr_prefix(err, "upload");
		goto out;
	}
	ret = 0;
out:
	reg_resp_clear(&resp);
	return ret;
}

static int push_blob(struct push *p, const char *what, const char *digest, int64_t size,
		     berr_t *err)
{
	int bar = progress_add(p->pg, what, digest, size);
	int ret = blob_exists(p, digest, err);

	if (ret == 0)
		ret = upload_blob(p, digest, err);
	else if (ret == 1) {
		progress_finish(p->pg, bar, "skipped: already exists");
		return 0;
	}
	progress_finish(p->pg, bar, ret < 0 ? "failed" : "done");
	if (ret < 0)
		return berr_prefix(err, "push blob %s", digest);
	return 0;
}

static int put_manifest(struct push *p, const char *reference, const char *mtype,
			const char *buf, size_t len, const char *digest, berr_t *err)
{
	_cleanup_free_ char *url = NULL;
	struct reg_resp resp = { 0 };
	int ret = 0;

	if (asprintf(&url, "/v2/%s/manifests/%s", p->path, reference) < 0)
		return berr_set(err, ENOMEM, "push manifest");
	struct reg_req q = { .method = "PUT", .url = url, .scope = p->scope, .content_type = mtype,
			     .body = buf, .body_len = len };

	if (reg_do(p->r, &q, &resp, err) < 0)
		return berr_prefix(err, "push manifest");
	if (resp.status != 201 && resp.status != 200) {
		reg_status_error(p->r, &resp, err);
		ret = berr_prefix(err, "push manifest");
	} else if (resp.digest && strcmp(resp.digest, digest)) {
		ret = berr_fail(err, "push manifest: the registry stored %s, not %s", resp.digest,
				digest);
	}
	reg_resp_clear(&resp);
	return ret;
}

int berth_push(struct berth_store *s, const char *image, const char *dest,
	       const struct berth_registry_opts *o, berr_t *err)
{
	static const struct berth_registry_opts defaults = { .tls_verify = -1 };
	struct berth_image *img = NULL;
	struct berth_ref ref = { 0 };
	struct manifest m = { 0 };
	struct push p = { .s = s };
	_cleanup_free_ char *mbuf = NULL;
	size_t mlen;
	int ret = -1;

	if (!o)
		o = &defaults;
	if (berth_image_lookup(s, image, &img, err) < 0)
		return -1;
	/* no destination: the name the image was asked by, as docker push;
	 * an id falls back to the image's first name */
	for (size_t i = 0; !dest && img->names && img->names[i]; i++) {
		_cleanup_berr_ berr_t e = NULL;
		_cleanup_free_ char *n = ref_normalize(image, &e);

		if (n && !strcmp(n, img->names[i]))
			dest = image;
	}
	if (!dest)
		dest = img->names && img->names[0] ? img->names[0] : NULL;
	if (!dest) {
		berth_image_free(img);
		return berr_fail(err, "the image has no name: give a destination");
	}
	if (berth_ref_parse(dest, &ref, err) < 0)
		goto out;
	if (blob_read(s, img->manifest_digest, 4u << 20, &mbuf, &mlen, err) < 0 ||
	    manifest_parse(mbuf, mlen, &m, err) < 0) {
		berr_prefix(err, "manifest %s", img->manifest_digest);
		goto out;
	}
	p.path = ref.path;
	p.scope = reg_scope(ref.path, "pull,push");
	p.pg = progress_new(o->progress, o->out);
	if (!p.scope || !p.pg) {
		berr_set(err, ENOMEM, "push");
		goto out;
	}
	if (reg_new(ref.domain, o, &p.r, err) < 0 || reg_ping(p.r, err) < 0)
		goto out;
	progress_msg(p.pg, "Getting image source signatures");
	for (size_t i = 0; i < m.n_layers; i++)
		if (push_blob(&p, "Copying blob", m.layers[i].digest, m.layers[i].size, err) < 0)
			goto out;
	if (push_blob(&p, "Copying config", m.config.digest, m.config.size, err) < 0)
		goto out;
	progress_msg(p.pg, "Writing manifest to image destination");
	ret = put_manifest(&p, ref.tag ? ref.tag : ref.digest ? ref.digest : "latest",
			   img->manifest_type ? img->manifest_type : m.media_type, mbuf, mlen,
			   img->manifest_digest, err);
out:
	manifest_clear(&m);
	free(p.scope);
	progress_free(p.pg);
	reg_free(p.r);
	berth_ref_clear(&ref);
	berth_image_free(img);
	return ret;
}
