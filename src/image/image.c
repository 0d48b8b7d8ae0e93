/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Images of the store as the engine sees them: looked up by name, digest or
 * id, listed, tagged, removed, held by containers, and pruned -- the index
 * first, then the blobs and layers nothing references any more.
 */
#include "image.h"
#include "store-db.h"
#include "util/cleanup.h"
#include "util/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#define CONFIG_MAX (16u << 20)
#define SHORT_ID_MIN 4
/* files younger than this are spared by a sweep that is not alone: another
 * process may have written them for an image it has not indexed yet */
#define SWEEP_GRACE (3600)

void berth_image_free(struct berth_image *img)
{
	if (!img)
		return;
	free(img->id);
	free(img->manifest_digest);
	free(img->manifest_type);
	strv_freep(&img->names);
	free(img->config_json);
	for (size_t i = 0; img->diff_ids && i < img->n_layers; i++)
		free(img->diff_ids[i]);
	free(img->diff_ids);
	for (size_t i = 0; img->layer_dirs && i < img->n_layers; i++)
		free(img->layer_dirs[i]);
	free(img->layer_dirs);
	free(img);
}

static void image_freep(struct berth_image **img)
{
	berth_image_free(*img);
	*img = NULL;
}
#define _cleanup_image_ __attribute__((cleanup(image_freep)))

/* Hand an inner error to the caller's err. */
static void berr_move(berr_t *dst, berr_t *src)
{
	if (dst) {
		berr_free(dst);
		*dst = steal_ptr(*src);
	}
	berr_free(src);
}

/* need_config: a missing config blob is an error (lookup) or left NULL (list) */
static int image_load(struct berth_store *s, const char *id, bool need_config,
		      struct berth_image **out, berr_t *err)
{
	_cleanup_image_ struct berth_image *img = NULL;
	_cleanup_berr_ berr_t cerr = NULL;
	int ret;

	img = calloc(1, sizeof(*img));
	if (!img)
		return berr_errno(err, "image %s", id);
	ret = db_image_get(s, id, img, err);
	if (ret < 0)
		return ret;
	if (blob_read(s, img->id, CONFIG_MAX, &img->config_json, NULL, &cerr) < 0 && need_config) {
		berr_move(err, &cerr);
		return berr_prefix(err, "image %s: config", id);
	}
	img->layer_dirs = calloc(img->n_layers + 1, sizeof(*img->layer_dirs));
	if (!img->layer_dirs)
		return berr_errno(err, "image %s", id);
	for (size_t i = 0; i < img->n_layers; i++) {
		img->layer_dirs[i] = layer_dir(s, img->diff_ids[i]);
		if (!img->layer_dirs[i])
			return berr_fail(err, "image %s: bad layer %s", id, img->diff_ids[i]);
	}
	*out = steal_ptr(img);
	return 0;
}

static bool is_lower_hex(const char *p, size_t *len)
{
	size_t n = 0;

	for (; p[n]; n++)
		if (!((p[n] >= '0' && p[n] <= '9') || (p[n] >= 'a' && p[n] <= 'f')))
			return false;
	*len = n;
	return true;
}

/* An id given as a full or short hex id, with or without "sha256:". */
static int resolve_id(struct berth_store *s, const char *hex, char **id, berr_t *err)
{
	size_t n;

	if (!is_lower_hex(hex, &n) || n < SHORT_ID_MIN || n > 64)
		return berr_fail_code(err, ENOENT, "invalid image id %.80s", hex);
	if (n == 64) {
		if (asprintf(id, "sha256:%s", hex) < 0)
			return berr_errno(err, "lookup");
		return 0;
	}
	return db_resolve_prefix(s, hex, id, err);
}

/*
 * What a user's image argument means: *name gets the stored name when it was
 * found by name (so rmi untags it), NULL when it named the image itself
 * (id, digest).
 */
static int resolve(struct berth_store *s, const char *arg, char **id, char **name, berr_t *err)
{
	_cleanup_berr_ berr_t nerr = NULL;
	_cleanup_free_ char *norm = NULL;
	struct berth_ref ref;
	size_t n;
	int ret;

	*id = NULL;
	*name = NULL;
	if (!arg || !*arg)
		return berr_fail(err, "empty image name");
	if (!strncmp(arg, "sha256:", 7))
		return resolve_id(s, arg + 7, id, err);
	if (is_lower_hex(arg, &n) && n == 64)
		return resolve_id(s, arg, id, err);

	if (berth_ref_parse(arg, &ref, &nerr) == 0) {
		norm = berth_ref_format(&ref);
		if (!norm) {
			berth_ref_clear(&ref);
			return berr_errno(err, "lookup %s", arg);
		}
		ret = db_resolve_name(s, norm, id, &nerr);
		if (ret == -ENOENT && ref.digest)
			ret = db_resolve_manifest(s, ref.digest, id, &nerr);
		else if (ret == 0)
			*name = steal_ptr(norm);
		berth_ref_clear(&ref);
		if (ret != -ENOENT && ret < 0) {
			berr_move(err, &nerr);
			return ret;
		}
		if (ret == 0)
			return 0;
	}
	/* not a name we hold: maybe a short id ("docker rmi 3f57") */
	if (is_lower_hex(arg, &n) && n >= SHORT_ID_MIN) {
		ret = resolve_id(s, arg, id, err);
		if (ret != -ENOENT)
			return ret;
	}
	/* a malformed name says why; a well-formed one is simply not there */
	if (!norm && nerr) {
		berr_move(err, &nerr);
		return -EINVAL;
	}
	return berr_fail_code(err, ENOENT, "no such image: %s", arg);
}

int berth_image_lookup(struct berth_store *s, const char *name, struct berth_image **out,
		       berr_t *err)
{
	_cleanup_free_ char *id = NULL, *stored = NULL;
	int ret;

	ret = resolve(s, name, &id, &stored, err);
	if (ret < 0)
		return ret;
	ret = image_load(s, id, true, out, err);
	/* a full id that is not in the store reads as "no such image" */
	if (ret == -ENOENT)
		return berr_fail_code(err, ENOENT, "no such image: %s", name);
	return ret;
}

void berth_image_list_free(struct berth_image **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		berth_image_free(v[i]);
	free(v);
}

int berth_image_list(struct berth_store *s, struct berth_image ***out, size_t *n, berr_t *err)
{
	_cleanup_strv_ char **ids = NULL;
	struct berth_image **v;
	size_t count = 0, i, j;

	if (db_image_ids(s, &ids, err) < 0)
		return berr_prefix(err, "list images");
	while (ids[count])
		count++;
	v = calloc(count + 1, sizeof(*v));
	if (!v)
		return berr_errno(err, "list images");
	for (i = 0, j = 0; i < count; i++) {
		int ret = image_load(s, ids[i], false, &v[j], err);

		/* removed since the ids were read: not an error, just gone */
		if (ret == -ENOENT) {
			berr_free(err);
			continue;
		}
		if (ret < 0) {
			berth_image_list_free(v, j);
			return berr_prefix(err, "list images");
		}
		j++;
	}
	*out = v;
	*n = j;
	return 0;
}

int berth_image_tag(struct berth_store *s, const char *image, const char *new_name, berr_t *err)
{
	_cleanup_free_ char *id = NULL, *stored = NULL, *norm = NULL;
	struct berth_ref ref;

	if (resolve(s, image, &id, &stored, err) < 0)
		return berr_prefix(err, "tag %s", image);
	if (berth_ref_parse(new_name, &ref, err) < 0)
		return berr_prefix(err, "tag %s", image);
	if (ref.digest) {
		berth_ref_clear(&ref);
		return berr_fail(err, "tag %s: a new name cannot carry a digest (%s)", image,
				 new_name);
	}
	norm = berth_ref_format(&ref);
	berth_ref_clear(&ref);
	if (!norm)
		return berr_errno(err, "tag %s", image);
	if (db_tag(s, id, norm, err) < 0)
		return berr_prefix(err, "tag %s", image);
	return 0;
}

/* Apparent size of the regular files of a tree (what a sweep gives back). */
static uint64_t tree_size(int parent, const char *name)
{
	_cleanup_closedir_ DIR *d = NULL;
	uint64_t total = 0;
	struct stat st;
	int fd;

	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (!S_ISDIR(st.st_mode))
		return S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	for (struct dirent *de; (de = readdir(d));)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			total += tree_size(dirfd(d), de->d_name);
	return total;
}

static int strcmpp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t strv_sort(char **v)
{
	size_t n = 0;

	while (v[n])
		n++;
	qsort(v, n, sizeof(*v), strcmpp);
	return n;
}

static bool strv_has(char **v, size_t n, const char *key)
{
	return bsearch(&key, v, n, sizeof(*v), strcmpp) != NULL;
}

/*
 * Remove the entries of root/sub that are named by a sha256 hex no image
 * references.  Unless alone, spare those renamed into place recently.
 */
static int sweep_dir(struct berth_store *s, const char *sub, char **keep, size_t n_keep,
		     bool alone, uint64_t *freed, berr_t *err)
{
	_cleanup_closedir_ DIR *d = NULL;
	time_t now = time(NULL);
	int fd;

	fd = openat(s->root_fd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return berr_errno(err, "open %s/%s", s->root, sub);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return berr_errno(err, "open %s/%s", s->root, sub);
	}
	for (struct dirent *de; (de = readdir(d));) {
		char digest[DIGEST_LEN + 1];
		struct stat st;
		uint64_t size;
		size_t n;

		if (!is_lower_hex(de->d_name, &n) || n != 64)
			continue;
		memcpy(digest, "sha256:", 7);
		memcpy(digest + 7, de->d_name, 65);
		if (strv_has(keep, n_keep, digest))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		/* rename sets ctime: it says when the entry was published */
		if (!alone && now - st.st_ctime < SWEEP_GRACE)
			continue;
		size = tree_size(dirfd(d), de->d_name);
		if (remove_tree_at(dirfd(d), de->d_name, err) < 0)
			return berr_prefix(err, "remove %s/%s", s->root, sub);
		*freed += size;
	}
	return 0;
}

static int sweep(struct berth_store *s, uint64_t *freed, berr_t *err)
{
	_cleanup_strv_ char **blobs = NULL, **diff_ids = NULL;
	size_t n_blobs, n_diffs;
	bool alone;
	int ret;

	/* exclusive only if no other berth has the store open */
	alone = flock(s->lock_fd, LOCK_EX | LOCK_NB) == 0;
	ret = db_referenced(s, &blobs, &diff_ids, err);
	if (ret >= 0) {
		n_blobs = strv_sort(blobs);
		n_diffs = strv_sort(diff_ids);
		ret = sweep_dir(s, "blobs/sha256", blobs, n_blobs, alone, freed, err);
		if (ret >= 0)
			ret = sweep_dir(s, "layers", diff_ids, n_diffs, alone, freed, err);
	}
	/* a failed conversion may have dropped the shared lock: take it again */
	flock(s->lock_fd, LOCK_SH);
	return ret;
}

int berth_image_remove(struct berth_store *s, const char *name, bool force, berr_t *err)
{
	_cleanup_free_ char *id = NULL, *stored = NULL;
	uint64_t freed = 0;
	bool removed;
	int ret;

	ret = resolve(s, name, &id, &stored, err);
	if (ret < 0)
		return berr_prefix(err, "remove %s", name);
	if (stored)
		ret = db_untag(s, stored, force, &removed, err);
	else
		ret = db_image_delete(s, id, force, &removed, err);
	if (ret < 0)
		return berr_prefix(err, "remove %s", name);
	/* like docker rmi, give the space back now rather than at the next prune */
	if (removed && sweep(s, &freed, err) < 0)
		return berr_prefix(err, "remove %s: free its blobs", name);
	return 0;
}

int berth_image_prune(struct berth_store *s, bool all, uint64_t *freed, berr_t *err)
{
	uint64_t total = 0;
	size_t n;

	if (db_prune_images(s, all, &n, err) < 0)
		return berr_prefix(err, "prune");
	if (sweep(s, &total, err) < 0)
		return berr_prefix(err, "prune");
	if (freed)
		*freed = total;
	return 0;
}

int berth_image_hold(struct berth_store *s, const char *image_id, const char *holder,
		     berr_t *err)
{
	_cleanup_free_ char *id = NULL, *stored = NULL;

	if (!holder || !*holder)
		return berr_fail(err, "hold %s: empty holder", image_id);
	if (resolve(s, image_id, &id, &stored, err) < 0)
		return berr_prefix(err, "hold %s", image_id);
	if (db_hold(s, id, holder, err) < 0)
		return berr_prefix(err, "hold %s", image_id);
	return 0;
}

int berth_image_release(struct berth_store *s, const char *holder, berr_t *err)
{
	if (db_release(s, holder, err) < 0)
		return berr_prefix(err, "release image of %s", holder);
	return 0;
}
