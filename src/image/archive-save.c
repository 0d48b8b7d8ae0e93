/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * berth save: images of the store to an OCI layout directory, an OCI archive
 * (a tar of that layout) or a docker-archive (manifest.json, <hex>.json config,
 * one uncompressed <diff_id hex>.tar per layer, repositories).
 *
 * Written atomically: into a temporary name beside the destination, renamed
 * over it once complete, so a failed save leaves nothing half-made.  "-" (or
 * NULL) writes a tar to standard output as it goes.
 *
 * Names: an image given by one of its names is saved with that name; given by
 * id, with all its names.  OCI index entries carry the full name in both
 * org.opencontainers.image.ref.name (podman, skopeo) and io.containerd.image.name
 * (containerd, docker), so berth load, podman load and ctr import agree on it.
 */
#include "archive-internal.h"
#include "dl.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>

#define CHUNK (128u << 10)

struct save_image {
	struct berth_image *img;
	struct manifest m;
	char *manifest;
	size_t manifest_len;
	char **names;           /* NULL-terminated */
};

struct saver {
	struct berth_store *s;
	enum berth_archive_format fmt;
	struct save_image *imgs;
	size_t n_imgs;
	/* output: a directory (oci-dir) or a tar */
	int dirfd;
	struct archive *tar;
	char **written;         /* files already in the output */
	size_t n_written;
};

static void json_unrefp(json_t **j)
{
	if (*j)
		json_decref(*j);
	*j = NULL;
}
#define _cleanup_json_ __attribute__((cleanup(json_unrefp)))

static int strv_add(char ***v, const char *s)
{
	size_t n = 0;
	char **nv;

	while (*v && (*v)[n])
		n++;
	for (size_t i = 0; i < n; i++)
		if (!strcmp((*v)[i], s))
			return 0;
	nv = realloc(*v, (n + 2) * sizeof(char *));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[n] = strdup(s);
	nv[n + 1] = NULL;
	return nv[n] ? 0 : -ENOMEM;
}

/* ----------------------------------------------------------------------------------------- */
/* what to save */

static int saver_add(struct saver *sv, const char *arg, berr_t *err)
{
	struct berth_image *img = NULL;
	_cleanup_free_ char *norm = NULL;
	struct save_image *si = NULL;
	bool by_name = false;
	int r;

	r = berth_image_lookup(sv->s, arg, &img, err);
	if (r < 0)
		return berr_prefix(err, "%s", arg);
	{
		_cleanup_berr_ berr_t ignore = NULL;

		norm = ref_normalize(arg, &ignore);
	}
	for (char **n = img->names; norm && n && *n; n++)
		if (!strcmp(*n, norm))
			by_name = true;
	for (size_t i = 0; i < sv->n_imgs; i++) {
		if (!strcmp(sv->imgs[i].img->id, img->id)) {
			si = &sv->imgs[i];
			berth_image_free(img);
			img = NULL;
			break;
		}
	}
	if (!si) {
		struct save_image *v = realloc(sv->imgs, (sv->n_imgs + 1) * sizeof(*v));

		if (!v) {
			berth_image_free(img);
			return berr_set(err, ENOMEM, "save");
		}
		sv->imgs = v;
		si = &v[sv->n_imgs++];
		*si = (struct save_image){ .img = img };
		if (blob_read(sv->s, img->manifest_digest, ARCHIVE_MAX_JSON, &si->manifest,
			      &si->manifest_len, err) < 0)
			return berr_prefix(err, "%s: manifest", arg);
		if (manifest_parse(si->manifest, si->manifest_len, &si->m, err) < 0)
			return berr_prefix(err, "%s: manifest", arg);
		if (si->m.n_layers != img->n_layers)
			return berr_fail(err, "%s: manifest has %zu layers, the image %zu", arg,
					 si->m.n_layers, img->n_layers);
	}
	if (by_name) {
		if (strv_add(&si->names, norm) < 0)
			return berr_set(err, ENOMEM, "save");
	} else {
		for (char **n = si->img->names; n && *n; n++)
			if (strv_add(&si->names, *n) < 0)
				return berr_set(err, ENOMEM, "save");
	}
	return 0;
}

static void saver_clear(struct saver *sv)
{
	for (size_t i = 0; i < sv->n_imgs; i++) {
		berth_image_free(sv->imgs[i].img);
		manifest_clear(&sv->imgs[i].m);
		free(sv->imgs[i].manifest);
		strv_freep(&sv->imgs[i].names);
	}
	free(sv->imgs);
	for (size_t i = 0; i < sv->n_written; i++)
		free(sv->written[i]);
	free(sv->written);
	if (sv->tar)
		archive_write_free(sv->tar);
	closep(&sv->dirfd);
}

/* ----------------------------------------------------------------------------------------- */
/* output */

static bool out_seen(struct saver *sv, const char *name)
{
	for (size_t i = 0; i < sv->n_written; i++)
		if (!strcmp(sv->written[i], name))
			return true;
	return false;
}

static int out_begin(struct saver *sv, const char *name, int64_t size, int *fd, berr_t *err)
{
	char **v = realloc(sv->written, (sv->n_written + 1) * sizeof(char *));

	if (!v)
		return berr_set(err, ENOMEM, "save");
	sv->written = v;
	v[sv->n_written] = strdup(name);
	if (!v[sv->n_written])
		return berr_set(err, ENOMEM, "save");
	sv->n_written++;
	*fd = -1;
	if (sv->tar) {
		struct archive_entry *e = archive_entry_new();
		int r;

		if (!e)
			return dl_archive_load(err) ?: berr_set(err, ENOMEM, "save");
		archive_entry_set_pathname(e, name);
		archive_entry_set_size(e, size);
		archive_entry_set_filetype(e, size < 0 ? AE_IFDIR : AE_IFREG);
		archive_entry_set_perm(e, size < 0 ? 0755 : 0644);
		archive_entry_set_mtime(e, 0, 0);
		if (size < 0)
			archive_entry_set_size(e, 0);
		r = archive_write_header(sv->tar, e);
		archive_entry_free(e);
		if (r != ARCHIVE_OK)
			return berr_fail(err, "write %s: %s", name, archive_error_string(sv->tar));
		return 0;
	}
	if (size < 0) {
		if (mkdirat(sv->dirfd, name, 0755) < 0 && errno != EEXIST)
			return berr_errno(err, "mkdir %s", name);
		return 0;
	}
	*fd = openat(sv->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (*fd < 0)
		return berr_errno(err, "create %s", name);
	return 0;
}

static int out_data(struct saver *sv, int fd, const char *name, const void *buf, size_t len,
		    berr_t *err)
{
	if (sv->tar) {
		if (archive_write_data(sv->tar, buf, len) != (la_ssize_t)len)
			return berr_fail(err, "write %s: %s", name, archive_error_string(sv->tar));
		return 0;
	}
	if (write_all(fd, buf, len) < 0)
		return berr_errno(err, "write %s", name);
	return 0;
}

static int out_buf(struct saver *sv, const char *name, const void *buf, size_t len, berr_t *err)
{
	_cleanup_close_ int fd = -1;

	if (out_begin(sv, name, (int64_t)len, &fd, err) < 0)
		return -1;
	return out_data(sv, fd, name, buf, len, err);
}

/* Copy len bytes of in_fd (from its start) to a new output file. */
static int out_copy(struct saver *sv, const char *name, int in_fd, int64_t len,
		    struct sha256 *h, berr_t *err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = malloc(CHUNK);
	int64_t left = len;

	if (!buf)
		return berr_set(err, ENOMEM, "save");
	if (lseek(in_fd, 0, SEEK_SET) < 0)
		return berr_errno(err, "seek");
	if (out_begin(sv, name, len, &fd, err) < 0)
		return -1;
	while (left > 0) {
		ssize_t n = read(in_fd, buf, left < CHUNK ? (size_t)left : CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return berr_errno(err, "read for %s", name);
		if (n == 0)
			return berr_fail(err, "%s: source shorter than %lld bytes", name,
					 (long long)len);
		if (h)
			sha256_update(h, buf, (size_t)n);
		if (out_data(sv, fd, name, buf, (size_t)n, err) < 0)
			return -1;
		left -= n;
	}
	return 0;
}

static int out_blob_as(struct saver *sv, const char *name, const char *digest, berr_t *err)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (out_seen(sv, name))
		return 0;
	fd = blob_open(sv->s, digest, err);
	if (fd < 0)
		return berr_prefix(err, "blob %s", digest);
	if (fstat(fd, &st) < 0)
		return berr_errno(err, "stat blob %s", digest);
	return out_copy(sv, name, fd, st.st_size, NULL, err);
}

static int out_json(struct saver *sv, const char *name, json_t *j, berr_t *err)
{
	_cleanup_free_ char *text = json_dumps(j, JSON_COMPACT);

	if (!text)
		return berr_set(err, ENOMEM, "%s", name);
	return out_buf(sv, name, text, strlen(text), err);
}

/* ----------------------------------------------------------------------------------------- */
/* OCI layout */

static int oci_blob(struct saver *sv, const char *digest, berr_t *err)
{
	_cleanup_free_ char *name = NULL;

	if (asprintf(&name, "blobs/sha256/%s", digest_hex(digest)) < 0)
		return berr_set(err, ENOMEM, "save");
	return out_blob_as(sv, name, digest, err);
}

static json_t *oci_descriptor(const struct save_image *si, const char *name)
{
	_cleanup_json_ json_t *cfg = json_loads(si->img->config_json, 0, NULL);
	json_t *d = json_pack("{s:s, s:s, s:I}", "mediaType",
			      si->m.media_type ? si->m.media_type : si->img->manifest_type,
			      "digest", si->img->manifest_digest, "size",
			      (json_int_t)si->manifest_len);
	const char *os = json_string_value(json_object_get(cfg, "os"));
	const char *arch = json_string_value(json_object_get(cfg, "architecture"));

	if (!d)
		return NULL;
	if (os && arch)
		json_object_set_new(d, "platform", json_pack("{s:s, s:s}", "architecture", arch,
							     "os", os));
	if (name)
		json_object_set_new(d, "annotations", json_pack("{s:s, s:s}", "io.containerd.image.name",
								name, "org.opencontainers.image.ref.name",
								name));
	return d;
}

static int save_oci(struct saver *sv, berr_t *err)
{
	static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	_cleanup_json_ json_t *idx = NULL;
	json_t *ms = json_array();

	idx = json_pack("{s:i, s:s, s:o}", "schemaVersion", 2, "mediaType", MT_OCI_INDEX,
			"manifests", ms);
	if (!idx)
		return berr_set(err, ENOMEM, "index.json");
	if (out_buf(sv, "oci-layout", layout, sizeof(layout) - 1, err) < 0)
		return -1;
	if (out_begin(sv, "blobs", -1, &(int){ -1 }, err) < 0 ||
	    out_begin(sv, "blobs/sha256", -1, &(int){ -1 }, err) < 0)
		return -1;
	for (size_t i = 0; i < sv->n_imgs; i++) {
		struct save_image *si = &sv->imgs[i];

		if (oci_blob(sv, si->img->manifest_digest, err) < 0 ||
		    oci_blob(sv, si->m.config.digest, err) < 0)
			return -1;
		for (size_t k = 0; k < si->m.n_layers; k++)
			if (oci_blob(sv, si->m.layers[k].digest, err) < 0)
				return -1;
		if (!si->names || !si->names[0]) {
			if (json_array_append_new(ms, oci_descriptor(si, NULL)) < 0)
				return berr_set(err, ENOMEM, "index.json");
		}
		for (char **n = si->names; n && *n; n++)
			if (json_array_append_new(ms, oci_descriptor(si, *n)) < 0)
				return berr_set(err, ENOMEM, "index.json");
	}
	return out_json(sv, "index.json", idx, err);
}

/* ----------------------------------------------------------------------------------------- */
/* docker-archive */

static bool compressed(const char *media_type)
{
	return media_type && (strstr(media_type, "gzip") || strstr(media_type, "zstd"));
}

/* The uncompressed tar of a compressed layer blob, in an unlinked file of tmp/. */
static int decompress_blob(struct saver *sv, const char *digest, int64_t *len, berr_t *err)
{
	_cleanup_close_ int in = -1;
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = malloc(CHUNK);
	struct archive *a = NULL;
	struct archive_entry *e;
	int64_t total = 0;
	la_ssize_t n;
	int r = -1;

	if (!buf)
		return berr_set(err, ENOMEM, "decompress");
	in = blob_open(sv->s, digest, err);
	if (in < 0)
		return -1;
	if (mkdirat(sv->s->root_fd, "tmp", 0700) < 0 && errno != EEXIST)
		return berr_errno(err, "create %s/tmp", sv->s->root);
	fd = openat(sv->s->root_fd, "tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return berr_errno(err, "temporary file in %s/tmp", sv->s->root);
	a = archive_read_new();
	if (!a)
		return dl_archive_load(err) ?: berr_set(err, ENOMEM, "decompress");
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_fd(a, in, CHUNK) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK) {
		berr_fail(err, "decompress %s: %s", digest, archive_error_string(a));
		goto out;
	}
	while ((n = archive_read_data(a, buf, CHUNK)) > 0) {
		if (write_all(fd, buf, (size_t)n) < 0) {
			berr_errno(err, "decompress %s", digest);
			goto out;
		}
		total += n;
	}
	if (n < 0) {
		berr_fail(err, "decompress %s: %s", digest, archive_error_string(a));
		goto out;
	}
	*len = total;
	r = steal_fd(fd);
out:
	archive_read_free(a);
	return r;
}

static int docker_layer(struct saver *sv, const struct descriptor *d, const char *diff_id,
			berr_t *err)
{
	_cleanup_free_ char *name = NULL;
	_cleanup_close_ int fd = -1;
	char got[DIGEST_LEN + 1];
	struct sha256 *h;
	int64_t len = 0;
	struct stat st;
	int r;

	if (asprintf(&name, "%s.tar", digest_hex(diff_id)) < 0)
		return berr_set(err, ENOMEM, "save");
	if (out_seen(sv, name))
		return 0;
	if (compressed(d->media_type)) {
		fd = decompress_blob(sv, d->digest, &len, err);
		if (fd < 0)
			return -1;
	} else {
		fd = blob_open(sv->s, d->digest, err);
		if (fd < 0)
			return berr_prefix(err, "blob %s", d->digest);
		if (fstat(fd, &st) < 0)
			return berr_errno(err, "stat blob %s", d->digest);
		len = st.st_size;
	}
	h = sha256_new();
	if (!h)
		return dl_crypto_load(err) ?: berr_set(err, ENOMEM, "hash");
	r = out_copy(sv, name, fd, len, h, err);
	sha256_final(h, got);
	if (r < 0)
		return -1;
	/* the diff_id is what every reader checks: a mismatch is a broken store */
	if (strcmp(got, diff_id))
		return berr_fail(err, "layer %s: uncompressed digest %s, the config says %s",
				 d->digest, got, diff_id);
	return 0;
}

/* "host/repo:tag" -> repositories["host/repo"]["tag"] = top layer */
static int docker_repositories(json_t *repos, const char *name, const char *top)
{
	_cleanup_free_ char *repo = strdup(name);
	char *colon, *slash;
	json_t *r;

	if (!repo)
		return -ENOMEM;
	colon = strrchr(repo, ':');
	slash = strrchr(repo, '/');
	if (!colon || (slash && colon < slash) || strchr(repo, '@'))
		return 0;
	*colon = '\0';
	r = json_object_get(repos, repo);
	if (!r) {
		r = json_object();
		if (!r || json_object_set_new(repos, repo, r) < 0)
			return -ENOMEM;
	}
	return json_object_set_new(r, colon + 1, json_string(top));
}

static int save_docker(struct saver *sv, berr_t *err)
{
	_cleanup_json_ json_t *list = json_array();
	_cleanup_json_ json_t *repos = json_object();

	if (!list || !repos)
		return berr_set(err, ENOMEM, "manifest.json");
	for (size_t i = 0; i < sv->n_imgs; i++) {
		struct save_image *si = &sv->imgs[i];
		_cleanup_free_ char *cname = NULL;
		json_t *item, *layers, *tags;

		if (asprintf(&cname, "%s.json", digest_hex(si->img->id)) < 0)
			return berr_set(err, ENOMEM, "save");
		if (!out_seen(sv, cname) &&
		    out_buf(sv, cname, si->img->config_json, strlen(si->img->config_json), err) < 0)
			return -1;
		layers = json_array();
		tags = json_array();
		item = json_pack("{s:s, s:o, s:o}", "Config", cname, "RepoTags", tags, "Layers",
				 layers);
		if (!item || json_array_append_new(list, item) < 0)
			return berr_set(err, ENOMEM, "manifest.json");
		for (size_t k = 0; k < si->m.n_layers; k++) {
			char *lname;

			if (docker_layer(sv, &si->m.layers[k], si->img->diff_ids[k], err) < 0)
				return -1;
			if (asprintf(&lname, "%s.tar", digest_hex(si->img->diff_ids[k])) < 0)
				return berr_set(err, ENOMEM, "save");
			json_array_append_new(layers, json_string(lname));
			free(lname);
		}
		for (char **n = si->names; n && *n; n++) {
			if (strchr(*n, '@'))
				continue;
			json_array_append_new(tags, json_string(*n));
			if (si->m.n_layers &&
			    docker_repositories(repos, *n,
						digest_hex(si->img->diff_ids[si->m.n_layers - 1])) < 0)
				return berr_set(err, ENOMEM, "repositories");
		}
	}
	if (out_json(sv, "manifest.json", list, err) < 0)
		return -1;
	return out_json(sv, "repositories", repos, err);
}

/* ----------------------------------------------------------------------------------------- */

static int save_body(struct saver *sv, berr_t *err)
{
	if (sv->fmt == BERTH_ARCHIVE_DOCKER)
		return save_docker(sv, err);
	return save_oci(sv, err);
}

static int tar_begin(struct saver *sv, int fd, berr_t *err)
{
	sv->tar = archive_write_new();
	if (!sv->tar)
		return dl_archive_load(err) ?: berr_set(err, ENOMEM, "save");
	/* pax for sizes over 8 GiB; "restricted" keeps plain ustar headers otherwise */
	if (archive_write_set_format_pax_restricted(sv->tar) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(sv->tar, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(sv->tar, fd) != ARCHIVE_OK)
		return berr_fail(err, "write tar: %s", archive_error_string(sv->tar));
	return 0;
}

static int tar_end(struct saver *sv, berr_t *err)
{
	if (archive_write_close(sv->tar) != ARCHIVE_OK)
		return berr_fail(err, "write tar: %s", archive_error_string(sv->tar));
	return 0;
}

static int save_to_dir(struct saver *sv, const char *path, berr_t *err)
{
	_cleanup_free_ char *dcopy = strdup(path);
	_cleanup_free_ char *tmp = NULL;
	int r;

	if (!dcopy || asprintf(&tmp, "%s/.berth-save.XXXXXX", dirname(dcopy)) < 0)
		return berr_set(err, ENOMEM, "save");
	if (!mkdtemp(tmp))
		return berr_errno(err, "create a directory beside %s", path);
	sv->dirfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sv->dirfd < 0) {
		r = berr_errno(err, "open %s", tmp);
		goto fail;
	}
	r = save_body(sv, err);
	if (r < 0)
		goto fail;
	/* rename(2) replaces an empty directory, and refuses one with content */
	if (rename(tmp, path) < 0) {
		if (errno == ENOTEMPTY || errno == EEXIST)
			r = berr_set(err, errno, "%s is a directory with content", path);
		else
			r = berr_errno(err, "rename into %s", path);
		goto fail;
	}
	return 0;
fail:
	{
		_cleanup_berr_ berr_t ignore = NULL;

		remove_tree_at(AT_FDCWD, tmp, &ignore);
	}
	return r;
}

static int save_to_file(struct saver *sv, const char *path, berr_t *err)
{
	_cleanup_free_ char *dcopy = strdup(path);
	_cleanup_free_ char *tmp = NULL;
	_cleanup_close_ int fd = -1;
	int r;

	if (!dcopy || asprintf(&tmp, "%s/.berth-save.XXXXXX", dirname(dcopy)) < 0)
		return berr_set(err, ENOMEM, "save");
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return berr_errno(err, "create a file beside %s", path);
	if (fchmod(fd, 0644) < 0) {
		r = berr_errno(err, "chmod %s", tmp);
		goto fail;
	}
	r = tar_begin(sv, fd, err);
	if (r >= 0)
		r = save_body(sv, err);
	if (r >= 0)
		r = tar_end(sv, err);
	if (r < 0)
		goto fail;
	if (rename(tmp, path) < 0) {
		r = berr_errno(err, "rename into %s", path);
		goto fail;
	}
	return 0;
fail:
	unlink(tmp);
	return r;
}

int berth_save(struct berth_store *s, char *const *images, enum berth_archive_format fmt,
	       const char *path, berr_t *err)
{
	struct saver sv = { .s = s, .fmt = fmt, .dirfd = -1 };
	bool to_stdout = !path || !strcmp(path, "-");
	int r = -1;

	if (!images || !images[0])
		return berr_fail(err, "no image to save");
	if (fmt == BERTH_ARCHIVE_OCI_DIR && to_stdout)
		return berr_fail(err, "an OCI layout directory needs a path");
	for (char *const *i = images; *i; i++)
		if (saver_add(&sv, *i, err) < 0)
			goto out;
	if (fmt == BERTH_ARCHIVE_OCI_DIR)
		r = save_to_dir(&sv, path, err);
	else if (!to_stdout)
		r = save_to_file(&sv, path, err);
	else if ((r = tar_begin(&sv, STDOUT_FILENO, err)) >= 0 && (r = save_body(&sv, err)) >= 0)
		r = tar_end(&sv, err);
out:
	saver_clear(&sv);
	return r;
}
