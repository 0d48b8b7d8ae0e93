/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The image store: digests, the blob writer, the sqlite index, image lookup
 * by every form, tag/untag/remove/hold/prune, manifest and index parsing
 * (hostile inputs too), and crash safety: writers SIGKILLed mid-blob and
 * mid-transaction leave a store that reopens consistent.
 */
#include "image/image.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "tap.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char root[] = "/tmp/test-store-XXXXXX";

/* entries of root/sub other than . and .. */
static int count_entries(const char *sub)
{
	char path[512];
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s", root, sub);
	d = opendir(path);
	if (!d)
		return -1;
	for (struct dirent *de; (de = readdir(d));)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static bool path_exists(const char *sub)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", root, sub);
	return lstat(path, &st) == 0;
}

/* fds without FD_CLOEXEC: the store's own (and sqlite's: db, WAL, shm) must
 * not add any, or they would leak into containers */
static int non_cloexec_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	for (struct dirent *de; d && (de = readdir(d));) {
		int fd = atoi(de->d_name);

		if (fd > 2 && fd != dirfd(d) && !(fcntl(fd, F_GETFD) & FD_CLOEXEC))
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

static struct berth_store *open_store(void)
{
	_cleanup_berr_ berr_t err = NULL;
	struct berth_store *s = NULL;

	if (berth_store_open(root, &s, &err) < 0) {
		printf("# open: %s\n", err->msg);
		return NULL;
	}
	return s;
}

/* A test image: n layers whose contents derive from seed (layers with the
 * same seed and index are shared), a config, a manifest; named name. */
struct test_image {
	char id[DIGEST_LEN + 1];
	char manifest[DIGEST_LEN + 1];
	char diff[4][DIGEST_LEN + 1];
	char blob[4][DIGEST_LEN + 1];
	char config_json[1024];
};

static int make_image(struct berth_store *s, const char *name, const char *const seeds[],
		      size_t n, struct test_image *t)
{
	_cleanup_berr_ berr_t err = NULL;
	char manifest[4096], buf[256];
	const char *diffs[4], *blobs[4];
	size_t off;
	struct image_record rec = { 0 };
	int fd;

	memset(t, 0, sizeof(*t));
	off = (size_t)snprintf(t->config_json, sizeof(t->config_json),
			       "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":"
			       "[\"sh\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[");
	for (size_t i = 0; i < n; i++) {
		char dir[256];

		snprintf(buf, sizeof(buf), "tar of layer %s", seeds[i]);
		sha256_buf(buf, strlen(buf), t->diff[i]);
		snprintf(buf, sizeof(buf), "gzip of layer %s", seeds[i]);
		if (blob_put(s, buf, strlen(buf), t->blob[i], &err) < 0)
			return -1;
		snprintf(dir, sizeof(dir), "%s/layers/%s", root, digest_hex(t->diff[i]));
		mkdir(dir, 0755);
		strcat(dir, "/file");
		fd = open(dir, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, "0123456789", 10) != 10)
			return -1;
		close(fd);
		off += (size_t)snprintf(t->config_json + off, sizeof(t->config_json) - off, "%s\"%s\"",
					i ? "," : "", t->diff[i]);
		diffs[i] = t->diff[i];
		blobs[i] = t->blob[i];
	}
	snprintf(t->config_json + off, sizeof(t->config_json) - off, "]},\"seed\":\"%s%s\"}",
		 n ? seeds[0] : "", name ? name : "");
	if (blob_put(s, t->config_json, strlen(t->config_json), t->id, &err) < 0)
		return -1;
	off = (size_t)snprintf(manifest, sizeof(manifest),
			       "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":"
			       "\"%s\",\"digest\":\"%s\",\"size\":%zu},\"layers\":[", MT_OCI_MANIFEST,
			       MT_OCI_CONFIG, t->id, strlen(t->config_json));
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(manifest + off, sizeof(manifest) - off,
					"%s{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":10}",
					i ? "," : "", MT_OCI_LAYER_GZIP, t->blob[i]);
	snprintf(manifest + off, sizeof(manifest) - off, "]}");
	if (blob_put(s, manifest, strlen(manifest), t->manifest, &err) < 0)
		return -1;
	rec.id = t->id;
	rec.manifest_digest = t->manifest;
	rec.manifest_type = MT_OCI_MANIFEST;
	rec.size = 1234;
	rec.n_layers = n;
	rec.diff_ids = diffs;
	rec.blob_digests = blobs;
	if (store_image_add(s, &rec, name, &err) < 0) {
		printf("# add: %s\n", err->msg);
		return -1;
	}
	return 0;
}

/* id of what name looks up to, or "" */
static const char *lookup_id(struct berth_store *s, const char *name)
{
	static char id[DIGEST_LEN + 1];
	_cleanup_berr_ berr_t err = NULL;
	struct berth_image *img = NULL;

	id[0] = '\0';
	if (berth_image_lookup(s, name, &img, &err) == 0) {
		snprintf(id, sizeof(id), "%s", img->id);
		berth_image_free(img);
	}
	return id;
}

static void test_digest(void)
{
	char d[DIGEST_LEN + 1];
	struct sha256 *h;
	_cleanup_berr_ berr_t err = NULL;

	sha256_buf("abc", 3, d);
	TAP_CHECK(!strcmp(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
		  "sha256 of \"abc\" is the FIPS 180-2 vector");
	sha256_buf("", 0, d);
	TAP_CHECK(!strcmp(d, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
		  "sha256 of the empty string");
	h = sha256_new();
	sha256_update(h, "a", 1);
	sha256_update(h, "", 0);
	sha256_update(h, "bc", 2);
	sha256_final(h, d);
	TAP_CHECK(!strcmp(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
		  "streaming sha256 in pieces equals one-shot");
	TAP_CHECK(digest_check(d, &err) == 0, "a computed digest passes digest_check");
	TAP_CHECK(digest_check("sha256:BA7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
			       &err) < 0 && strstr(err->msg, "lowercase hex"),
		  "uppercase hex refused");
	TAP_CHECK(digest_check("sha256:ba78", &err) < 0, "short hex refused");
	TAP_CHECK(digest_check("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0",
			       &err) < 0, "long hex refused");
	TAP_CHECK(digest_check("sha512:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
			       &err) == -ENOTSUP && strstr(err->msg, "unsupported algorithm"),
		  "other algorithms refused as unsupported");
	TAP_CHECK(digest_check("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
			       &err) < 0, "digest without algorithm refused");
	TAP_CHECK(digest_check("", &err) < 0 && digest_check(NULL, &err) < 0,
		  "empty and NULL digests refused");
}

static void test_blobs(struct berth_store *s)
{
	_cleanup_berr_ berr_t err = NULL;
	char d[DIGEST_LEN + 1], want[DIGEST_LEN + 1], path[256];
	struct blob_writer *w = NULL;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int blobs0 = count_entries("blobs/sha256");
	int fd;

	sha256_buf("hello world", 11, want);
	TAP_CHECK(blob_begin(s, want, 11, &w, &err) == 0 && count_entries("tmp") == 1,
		  "a blob being written lives in tmp/");
	TAP_CHECK(blob_write(w, "hello ", 6, &err) == 0 && blob_write(w, "world", 5, &err) == 0,
		  "blob_write in pieces");
	TAP_CHECK(blob_commit(w, d, &err) == 0 && !strcmp(d, want), "commit returns the digest");
	TAP_CHECK(blob_has(s, want) && blob_size(s, want) == 11, "committed blob is present, 11 bytes");
	TAP_CHECK(count_entries("tmp") == 0, "commit leaves nothing in tmp/");
	TAP_CHECK(blob_read(s, want, 1024, &buf, &len, &err) == 0 && len == 11 &&
		  !memcmp(buf, "hello world", 11), "blob_read gives the content back");
	fd = blob_open(s, want, &err);
	TAP_CHECK(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "blob_open gives a CLOEXEC fd");
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "blobs/sha256/%s", digest_hex(want));
	TAP_CHECK(path_exists(path), "blob stored under blobs/sha256/<hex>");

	TAP_CHECK(blob_begin(s, NULL, -1, &w, &err) == 0 && blob_write(w, "x", 1, &err) == 0,
		  "writer with no expected digest");
	blob_abort(w);
	TAP_CHECK(count_entries("tmp") == 0 && count_entries("blobs/sha256") == blobs0 + 1,
		  "abort leaves nothing");

	sha256_buf("something else", 14, want);
	blob_begin(s, want, -1, &w, &err);
	blob_write(w, "hello there", 11, &err);
	TAP_CHECK(blob_commit(w, d, &err) < 0 && strstr(err->msg, "digest mismatch"),
		  "digest mismatch is an error naming it");
	TAP_CHECK(!blob_has(s, want) && count_entries("tmp") == 0 &&
		  count_entries("blobs/sha256") == blobs0 + 1, "digest mismatch leaves nothing");

	sha256_buf("short", 5, want);
	blob_begin(s, want, 10, &w, &err);
	blob_write(w, "short", 5, &err);
	TAP_CHECK(blob_commit(w, d, &err) < 0 && strstr(err->msg, "expected 10"),
		  "short blob is a size mismatch");
	TAP_CHECK(!blob_has(s, want) && count_entries("tmp") == 0, "size mismatch leaves nothing");

	blob_begin(s, NULL, 3, &w, &err);
	TAP_CHECK(blob_write(w, "toolong", 7, &err) < 0, "writing past the expected size fails at once");
	blob_abort(w);
	TAP_CHECK(count_entries("tmp") == 0, "overrun writer aborted leaves nothing");

	TAP_CHECK(blob_begin(s, "sha256:nothex", -1, &w, &err) < 0 && count_entries("tmp") == 0,
		  "writer for an invalid digest refused");
	TAP_CHECK(!blob_has(s, "sha256:../../images.db") && blob_size(s, "../x") == -1 &&
		  blob_open(s, "sha256:../../images.db", &err) < 0,
		  "blob names that are not digests never reach the filesystem");
	TAP_CHECK(layer_dir(s, "sha256:..") == NULL && !layer_has(s, "x"),
		  "layer names that are not digests refused");
}

static void test_images(void)
{
	_cleanup_berr_ berr_t err = NULL;
	struct berth_store *s = open_store();
	struct test_image a, b, c, d;
	struct berth_image *img = NULL, **list = NULL;
	static const char *const la[] = { "base", "a1" }, *const lb[] = { "base", "b1" };
	static const char *const lc[] = { "c1" };
	char buf[256], dir[256];
	uint64_t freed = 0;
	size_t n = 0;
	int ret;

	TAP_CHECK(make_image(s, "docker.io/library/busybox:latest", la, 2, &a) == 0,
		  "image A added under busybox");
	TAP_CHECK(berth_image_lookup(s, "busybox", &img, &err) == 0, "lookup by short name");
	if (img) {
		snprintf(dir, sizeof(dir), "%s/layers/%s", root, digest_hex(a.diff[1]));
		TAP_CHECK(!strcmp(img->id, a.id) && !strcmp(img->manifest_digest, a.manifest) &&
			  !strcmp(img->manifest_type, MT_OCI_MANIFEST) && img->size == 1234 &&
			  img->created > 0 && time(NULL) - img->created < 60,
			  "image record: id, manifest, type, size, created");
		TAP_CHECK(img->config_json && !strcmp(img->config_json, a.config_json),
			  "config_json is the config blob");
		TAP_CHECK(img->n_layers == 2 && !strcmp(img->diff_ids[0], a.diff[0]) &&
			  !strcmp(img->diff_ids[1], a.diff[1]) && !strcmp(img->layer_dirs[1], dir) &&
			  img->layer_dirs[1][0] == '/', "diff_ids in order, layer_dirs absolute");
		TAP_CHECK(img->names && img->names[0] &&
			  !strcmp(img->names[0], "docker.io/library/busybox:latest") && !img->names[1],
			  "names hold the normalised reference");
		berth_image_free(img);
		img = NULL;
	}
	TAP_CHECK(!strcmp(lookup_id(s, "docker.io/library/busybox:latest"), a.id),
		  "lookup by full name");
	TAP_CHECK(!strcmp(lookup_id(s, "index.docker.io/busybox"), a.id), "lookup by legacy domain");
	TAP_CHECK(!strcmp(lookup_id(s, a.id), a.id), "lookup by sha256: id");
	TAP_CHECK(!strcmp(lookup_id(s, digest_hex(a.id)), a.id), "lookup by 64-hex id");
	snprintf(buf, sizeof(buf), "%.12s", digest_hex(a.id));
	TAP_CHECK(!strcmp(lookup_id(s, buf), a.id), "lookup by 12-hex short id");
	snprintf(buf, sizeof(buf), "%.4s", digest_hex(a.id));
	TAP_CHECK(!strcmp(lookup_id(s, buf), a.id), "lookup by 4-hex short id");
	snprintf(buf, sizeof(buf), "sha256:%.8s", digest_hex(a.id));
	TAP_CHECK(!strcmp(lookup_id(s, buf), a.id), "lookup by sha256:short id");
	snprintf(buf, sizeof(buf), "%.3s", digest_hex(a.id));
	TAP_CHECK(berth_image_lookup(s, buf, &img, &err) == -ENOENT, "3-hex prefix is too short");
	snprintf(buf, sizeof(buf), "busybox@%s", a.manifest);
	TAP_CHECK(!strcmp(lookup_id(s, buf), a.id), "lookup by name@manifest digest");
	TAP_CHECK(berth_image_lookup(s, "nosuch", &img, &err) == -ENOENT &&
		  strstr(err->msg, "no such image: nosuch"), "unknown name: -ENOENT, says so");
	TAP_CHECK(berth_image_lookup(s, "BusyBox", &img, &err) < 0 &&
		  strstr(err->msg, "lowercase"), "uppercase name: the rule it breaks");
	TAP_CHECK(berth_image_lookup(s, "sha256:zz", &img, &err) < 0, "bad id refused");

	/* tag, and a name moving between images */
	TAP_CHECK(berth_image_tag(s, "busybox", "myrepo/x:1", &err) == 0 &&
		  !strcmp(lookup_id(s, "docker.io/myrepo/x:1"), a.id), "tag adds a name");
	TAP_CHECK(berth_image_tag(s, "busybox", "x@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
				  &err) < 0, "tag with a digest refused");
	TAP_CHECK(berth_image_tag(s, "nosuch", "y", &err) == -ENOENT, "tag of a missing image");
	TAP_CHECK(berth_image_tag(s, "busybox", "Bad", &err) < 0 && strstr(err->msg, "lowercase"),
		  "tag with an invalid name refused");
	TAP_CHECK(make_image(s, "docker.io/library/busybox:latest", lb, 2, &b) == 0 &&
		  !strcmp(lookup_id(s, "busybox"), b.id), "adding B under busybox moves the name");
	TAP_CHECK(!strcmp(lookup_id(s, "myrepo/x:1"), a.id), "A keeps its other name");

	/* dangling: C loses its only name to D */
	TAP_CHECK(make_image(s, "docker.io/library/c:1", lc, 1, &c) == 0, "image C added");
	{
		static const char *const ld[] = { "d1" };

		make_image(s, "docker.io/library/c:1", ld, 1, &d);
	}
	TAP_CHECK(berth_image_lookup(s, c.id, &img, &err) == 0 && img->names && !img->names[0],
		  "an image that lost its last name stays, dangling");
	berth_image_free(img);
	img = NULL;
	TAP_CHECK(berth_image_list(s, &list, &n, &err) == 0 && n == 4, "list shows 4 images");
	berth_image_list_free(list, n);

	/* prune: C and its blobs and layer go; the rest stays */
	TAP_CHECK(berth_image_prune(s, false, &freed, &err) == 0, "prune dangling");
	TAP_CHECK(freed >= 10 + strlen(c.config_json), "prune reports the bytes freed");
	snprintf(buf, sizeof(buf), "blobs/sha256/%s", digest_hex(c.id));
	TAP_CHECK(!path_exists(buf) && !blob_has(s, c.manifest) && !blob_has(s, c.blob[0]),
		  "pruned image's config, manifest and layer blobs are gone");
	snprintf(buf, sizeof(buf), "layers/%s", digest_hex(c.diff[0]));
	TAP_CHECK(!path_exists(buf), "pruned image's layer dir is gone");
	TAP_CHECK(blob_has(s, a.id) && blob_has(s, b.id) && blob_has(s, d.id) &&
		  layer_has(s, a.diff[0]) && layer_has(s, b.diff[1]) && layer_has(s, d.diff[0]),
		  "referenced blobs and layers are kept");
	ret = berth_image_lookup(s, c.id, &img, &err);
	TAP_CHECK(ret == -ENOENT, "pruned image is gone");
	if (ret != -ENOENT) printf("# %d %s\n", ret, err ? err->msg : "");

	/* remove by name: last name takes the image; a shared layer stays */
	TAP_CHECK(berth_image_remove(s, "myrepo/x:1", false, &err) == 0 &&
		  berth_image_lookup(s, a.id, &img, &err) == -ENOENT, "rmi of A's last name removes A");
	TAP_CHECK(!blob_has(s, a.id) && !layer_has(s, a.diff[1]) && layer_has(s, a.diff[0]),
		  "A's own layer freed, the one shared with B kept");
	TAP_CHECK(berth_image_remove(s, "myrepo/x:1", false, &err) == -ENOENT,
		  "rmi of a missing name: -ENOENT");

	/* two names: removing one only untags */
	berth_image_tag(s, "busybox", "other:2", &err);
	TAP_CHECK(berth_image_remove(s, "busybox", false, &err) == 0 &&
		  !strcmp(lookup_id(s, "other:2"), b.id) && !*lookup_id(s, "busybox"),
		  "rmi of one of two names untags only");

	/* held images */
	TAP_CHECK(berth_image_hold(s, b.id, "ctr1", &err) == 0, "hold B for ctr1");
	TAP_CHECK(berth_image_hold(s, "nosuch", "ctr2", &err) == -ENOENT, "hold of a missing image");
	ret = berth_image_remove(s, "other:2", false, &err);
	TAP_CHECK(ret == -EBUSY && strstr(err->msg, "in use"), "rmi of a held image: -EBUSY");
	TAP_CHECK(!strcmp(lookup_id(s, "other:2"), b.id), "refused rmi changed nothing");
	TAP_CHECK(berth_image_remove(s, b.id, false, &err) == -EBUSY, "rmi by id of a held image: -EBUSY");
	TAP_CHECK(berth_image_remove(s, "other:2", true, &err) == 0 && !*lookup_id(s, "other:2") &&
		  !strcmp(lookup_id(s, b.id), b.id) && layer_has(s, b.diff[0]),
		  "forced rmi of a held image drops the name, keeps image and layers");
	TAP_CHECK(berth_image_prune(s, true, &freed, &err) == 0 && !strcmp(lookup_id(s, b.id), b.id),
		  "prune -a keeps a held image");
	TAP_CHECK(berth_image_release(s, "ctr1", &err) == 0 &&
		  berth_image_prune(s, false, &freed, &err) == 0 && !*lookup_id(s, b.id) &&
		  !layer_has(s, b.diff[0]) && !blob_has(s, b.blob[1]),
		  "released, the dangling image is pruned with its layers");

	/* remove by id removes all names; prune -a removes named images */
	make_image(s, "docker.io/library/e:1", la, 2, &a);
	berth_image_tag(s, "e:1", "e:2", &err);
	snprintf(buf, sizeof(buf), "%.10s", digest_hex(a.id));
	TAP_CHECK(berth_image_remove(s, buf, false, &err) == 0 && !*lookup_id(s, "e:1") &&
		  !*lookup_id(s, "e:2") && !*lookup_id(s, a.id), "rmi by short id removes every name");
	TAP_CHECK(!*lookup_id(s, "c:1"), "prune -a took named but unheld D");
	TAP_CHECK(make_image(s, "docker.io/library/f:1", lc, 1, &c) == 0 &&
		  !strcmp(lookup_id(s, "f:1"), c.id), "image F added");
	TAP_CHECK(berth_image_prune(s, true, &freed, &err) == 0 && !*lookup_id(s, "f:1") &&
		  count_entries("blobs/sha256") == 0 && count_entries("layers") == 0,
		  "prune -a of unheld images empties blobs/ and layers/");

	/* ambiguous short ids (records only; no blobs needed to resolve) */
	{
		const char *ids[] = {
			"sha256:abcd000000000000000000000000000000000000000000000000000000000000",
			"sha256:abcd111111111111111111111111111111111111111111111111111111111111",
		};
		for (int i = 0; i < 2; i++) {
			struct image_record rec = { .id = ids[i], .manifest_type = MT_OCI_MANIFEST };

			store_image_add(s, &rec, NULL, &err);
		}
		TAP_CHECK(berth_image_lookup(s, "abcd", &img, &err) < 0 && strstr(err->msg, "ambiguous"),
			  "ambiguous short id is an error saying so");
		TAP_CHECK(berth_image_lookup(s, "abcd0", &img, &err) < 0 && !strstr(err->msg, "ambiguous"),
			  "a longer prefix is unique");
		TAP_CHECK(berth_image_prune(s, false, &freed, &err) == 0 && !*lookup_id(s, "abcd1"),
			  "nameless records pruned");
	}
	{
		struct image_record rec = { .id = "sha256:xyz" };

		TAP_CHECK(store_image_add(s, &rec, "docker.io/library/z:1", &err) < 0,
			  "store_image_add refuses an invalid id");
	}
	berth_store_close(s);
}

static void test_reopen(void)
{
	_cleanup_berr_ berr_t err = NULL;
	struct berth_store *s = open_store();
	static const char *const l[] = { "r1" };
	struct test_image t;
	char id[DIGEST_LEN + 1];

	make_image(s, "docker.io/library/persist:1", l, 1, &t);
	berth_store_close(s);
	s = open_store();
	snprintf(id, sizeof(id), "%s", lookup_id(s, "persist:1"));
	TAP_CHECK(s && !strcmp(id, t.id) && blob_has(s, t.blob[0]) && layer_has(s, t.diff[0]),
		  "images, blobs and layers survive close and reopen");
	berth_image_remove(s, "persist:1", false, &err);
	berth_store_close(s);
	{
		char bad[] = "/proc/self/nope/store";
		struct berth_store *s2 = NULL;

		TAP_CHECK(berth_store_open(bad, &s2, &err) < 0 && err && strstr(err->msg, "/proc/self/nope"),
			  "open of an impossible root fails naming it");
	}
}

static const char manifest_ok[] =
	"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
	"\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":"
	"\"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\",\"size\":7},"
	"\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":"
	"\"sha256:1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\",\"size\":100},"
	"{\"mediaType\":\"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd\",\"digest\":"
	"\"sha256:2123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\",\"size\":0}]}";

#define H1 "sha256:1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define DESC(mt, d, sz) "{\"mediaType\":\"" mt "\",\"digest\":\"" d "\",\"size\":" sz "}"
#define CFG DESC("application/vnd.oci.image.config.v1+json", H1, "7")
#define MAN(layers) "{\"schemaVersion\":2,\"config\":" CFG ",\"layers\":[" layers "]}"

static void test_manifests(void)
{
	_cleanup_berr_ berr_t err = NULL;
	struct manifest m;
	enum manifest_kind kind;
	static const struct {
		const char *json, *name, *msg;
	} bad[] = {
		{ "not json", "not JSON", "invalid JSON" },
		{ "[1,2]", "an array", "not a JSON object" },
		{ "{\"schemaVersion\":1,\"fsLayers\":[]}", "schema1 by version", "schema 1" },
		{ "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v1+prettyjws\"}",
		  "schema1 by media type", "schema 1" },
		{ "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}",
		  "an index", "index" },
		{ "{\"schemaVersion\":3,\"config\":" CFG ",\"layers\":[]}", "schemaVersion 3", "schemaVersion" },
		{ "{\"schemaVersion\":2,\"layers\":[]}", "no config", "config" },
		{ "{\"schemaVersion\":2,\"config\":" CFG "}", "no layers", "layers" },
		{ "{\"schemaVersion\":2,\"config\":" CFG ",\"layers\":{}}", "layers an object", "layers" },
		{ MAN(DESC("application/vnd.oci.image.layer.v1.tar", "sha256:abc", "1")), "short layer digest",
		  "layer 0" },
		{ MAN(DESC("application/vnd.oci.image.layer.v1.tar", "md5:d41d8cd98f00b204e9800998ecf8427e", "1")),
		  "md5 layer digest", "unsupported algorithm" },
		{ MAN(DESC("application/vnd.oci.image.layer.v1.tar", H1, "-1")), "negative size", "negative" },
		{ MAN(DESC("application/vnd.oci.image.layer.v1.tar", H1, "1.5")), "fractional size", "integer" },
		{ MAN(DESC("application/vnd.oci.image.layer.v1.tar", H1, "\"1\"")), "string size", "integer" },
		{ MAN(DESC("application/x-evil", H1, "1")), "unknown layer type", "unsupported media type" },
		{ MAN("{\"digest\":\"" H1 "\",\"size\":1}"), "layer without mediaType", "mediaType" },
		{ MAN("7"), "layer a number", "layer 0" },
		{ "{\"schemaVersion\":2,\"schemaVersion\":2,\"config\":" CFG ",\"layers\":[]}",
		  "duplicate keys", "duplicate" },
		{ "{\"schemaVersion\":2,\"mediaType\":\"text/html\",\"config\":" CFG ",\"layers\":[]}",
		  "wrong mediaType", "unsupported" },
	};

	TAP_CHECK(manifest_parse(manifest_ok, sizeof(manifest_ok) - 1, &m, &err) == 0 &&
		  !strcmp(m.media_type, MT_OCI_MANIFEST) && m.config.size == 7 && m.n_layers == 2 &&
		  !strcmp(m.layers[0].digest, H1) && m.layers[0].size == 100 &&
		  !strcmp(m.layers[1].media_type,
			  "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"),
		  "OCI manifest parsed, non-distributable layer accepted");
	manifest_clear(&m);
	{
		static const char docker[] =
			"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
			"\"config\":" DESC("application/vnd.docker.container.image.v1+json", H1, "7") ","
			"\"layers\":[" DESC("application/vnd.docker.image.rootfs.diff.tar.gzip", H1, "3") ","
			DESC("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", H1, "4") "]}";

		TAP_CHECK(manifest_parse(docker, sizeof(docker) - 1, &m, &err) == 0 &&
			  !strcmp(m.media_type, MT_DOCKER_MANIFEST) && m.n_layers == 2 &&
			  m.layers[1].size == 4, "Docker schema2 manifest parsed, foreign layer accepted");
		manifest_clear(&m);
	}
	TAP_CHECK(manifest_parse(MAN(""), sizeof(MAN("")) - 1, &m, &err) == 0 &&
		  !strcmp(m.media_type, MT_OCI_MANIFEST) && m.n_layers == 0,
		  "OCI manifest without mediaType is OCI");
	manifest_clear(&m);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char name[128];

		snprintf(name, sizeof(name), "manifest refused: %s (error says \"%s\")", bad[i].name,
			 bad[i].msg);
		TAP_CHECK(manifest_parse(bad[i].json, strlen(bad[i].json), &m, &err) < 0 && err &&
			  strstr(err->msg, bad[i].msg) && m.n_layers == 0 && !m.layers, name);
		if (err && !strstr(err->msg, bad[i].msg))
			printf("#   got: %s\n", err->msg);
	}
	{
		/* a manifest of 5000 layers is refused, not allocated */
		size_t cap = 5000 * 160 + 256, off;
		char *big = malloc(cap);

		off = (size_t)snprintf(big, cap, "{\"schemaVersion\":2,\"config\":" CFG ",\"layers\":[");
		for (int i = 0; i < 5000; i++)
			off += (size_t)snprintf(big + off, cap - off, "%s" DESC("%s", H1, "1"),
						i ? "," : "", MT_OCI_LAYER);
		snprintf(big + off, cap - off, "]}");
		TAP_CHECK(manifest_parse(big, strlen(big), &m, &err) < 0 && strstr(err->msg, "at most"),
			  "5000-layer manifest refused");
		free(big);
	}
	TAP_CHECK(manifest_parse("{\"schemaVersion\":2}\0garbage", 27, &m, &err) < 0,
		  "embedded NUL refused");

	TAP_CHECK(manifest_kind("{}", 2, "application/vnd.oci.image.index.v1+json; charset=utf-8",
				&kind, &err) == 0 && kind == MANIFEST_INDEX, "kind from Content-Type with parameters");
	TAP_CHECK(manifest_kind("{}", 2, MT_DOCKER_MANIFEST, &kind, &err) == 0 &&
		  kind == MANIFEST_IMAGE, "kind: docker manifest");
	TAP_CHECK(manifest_kind("{\"schemaVersion\":2,\"manifests\":[]}", 34, "application/json",
				&kind, &err) == 0 && kind == MANIFEST_INDEX, "kind sniffed from the body");
	TAP_CHECK(manifest_kind(manifest_ok, sizeof(manifest_ok) - 1, NULL, &kind, &err) == 0 &&
		  kind == MANIFEST_IMAGE, "kind from the body's mediaType");
	TAP_CHECK(manifest_kind("{}", 2, "application/vnd.docker.distribution.manifest.v1+prettyjws",
				&kind, &err) == -ENOTSUP && strstr(err->msg, "schema 1"),
		  "kind: schema1 refused clearly");
	TAP_CHECK(manifest_kind("{}", 2, "text/html", &kind, &err) < 0, "kind: unknown type refused");
	TAP_CHECK(manifest_kind("{\"schemaVersion\":1}", 19, NULL, &kind, &err) < 0 &&
		  strstr(err->msg, "schema 1"), "kind: schema1 body refused");
}

#define ENTRY(d, os, arch, variant) \
	"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" d \
	"000000000000000000000000000000000000000000000000000000000000000\",\"size\":500," \
	"\"platform\":{\"os\":\"" os "\",\"architecture\":\"" arch "\"" variant "}}"

static void test_index(void)
{
	_cleanup_berr_ berr_t err = NULL;
	struct descriptor d;
	static const char index[] =
		"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
		"\"manifests\":["
		ENTRY("1", "linux", "amd64", "") ","
		ENTRY("2", "linux", "arm64", ",\"variant\":\"v8\"") ","
		ENTRY("3", "linux", "arm", ",\"variant\":\"v7\"") ","
		ENTRY("4", "linux", "amd64", ",\"variant\":\"v3\"") ","
		ENTRY("5", "linux", "arm", ",\"variant\":\"v6\"") ","
		ENTRY("6", "unknown", "unknown", "") ","
		ENTRY("7", "windows", "amd64", "") "]}";
	static const struct {
		const char *platform;
		char want;
	} cases[] = {
		{ "linux/amd64", '1' }, { "linux/amd64/v1", '1' }, { "linux/x86_64", '1' },
		{ "linux/amd64/v2", '1' }, { "linux/amd64/v3", '4' }, { "linux/amd64/v4", '4' },
		{ "linux/arm64", '2' }, { "linux/arm64/v8", '2' }, { "linux/aarch64", '2' },
		{ "linux/arm", '3' }, { "linux/arm/v7", '3' }, { "linux/arm/v6", '5' },
		{ "windows/amd64", '7' },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char name[96];

		snprintf(name, sizeof(name), "index: %s selects entry %c", cases[i].platform,
			 cases[i].want);
		TAP_CHECK(index_select(index, sizeof(index) - 1, cases[i].platform, &d, &err) == 0 &&
			  d.digest[7] == cases[i].want && d.size == 500 &&
			  !strcmp(d.media_type, MT_OCI_MANIFEST), name);
		descriptor_clear(&d);
	}
	TAP_CHECK(index_select(index, sizeof(index) - 1, NULL, &d, &err) == 0 && d.digest[7] == '1',
		  "index: default platform is linux/amd64");
	descriptor_clear(&d);
	TAP_CHECK(index_select(index, sizeof(index) - 1, "linux/s390x", &d, &err) == -ENOENT &&
		  strstr(err->msg, "linux/s390x") &&
		  strstr(err->msg, "available: linux/amd64, linux/arm64, linux/arm/v7, linux/amd64/v3") &&
		  !strstr(err->msg, "unknown"),
		  "index: no match lists the available platforms, not attestations");
	TAP_CHECK(index_select(index, sizeof(index) - 1, "linux/arm/v5", &d, &err) == -ENOENT,
		  "index: arm/v5 does not run v6 or v7");
	TAP_CHECK(index_select(index, sizeof(index) - 1, "linux", &d, &err) < 0 &&
		  strstr(err->msg, "os/arch"), "index: bad platform refused");
	{
		static const char list[] =
			"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\","
			"\"manifests\":[{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
			"\"digest\":\"" H1 "\",\"size\":9,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
		static const char badentry[] =
			"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
			"\"digest\":\"sha256:../../etc\",\"size\":9,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";

		TAP_CHECK(index_select(list, sizeof(list) - 1, "linux/amd64", &d, &err) == 0 &&
			  !strcmp(d.digest, H1) && !strcmp(d.media_type, MT_DOCKER_MANIFEST),
			  "Docker manifest list: entry selected");
		descriptor_clear(&d);
		TAP_CHECK(index_select(badentry, sizeof(badentry) - 1, "linux/amd64", &d, &err) < 0 &&
			  !d.digest, "index entry with a bad digest refused");
		TAP_CHECK(index_select("{\"manifests\":3}", 15, "linux/amd64", &d, &err) < 0,
			  "index: manifests not an array refused");
		TAP_CHECK(index_select(manifest_ok, sizeof(manifest_ok) - 1, "linux/amd64", &d, &err) < 0,
			  "index_select of an image manifest refused");
	}
}

static void test_config(void)
{
	_cleanup_berr_ berr_t err = NULL;
	char **ids = NULL;
	size_t n = 0;
	static const char ok[] = "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" H1 "\",\"" H1 "\"]}}";

	TAP_CHECK(config_diff_ids(ok, sizeof(ok) - 1, &ids, &n, &err) == 0 && n == 2 &&
		  !strcmp(ids[1], H1) && !ids[2], "config diff_ids read, NULL-terminated");
	strv_freep(&ids);
	TAP_CHECK(config_diff_ids("{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:x\"]}}", 50,
				  &ids, &n, &err) < 0 && !ids, "config: bad diff_id refused");
	TAP_CHECK(config_diff_ids("{\"rootfs\":{\"type\":\"foo\",\"diff_ids\":[]}}", 38, &ids, &n,
				  &err) < 0, "config: rootfs.type other than layers refused");
	TAP_CHECK(config_diff_ids("{}", 2, &ids, &n, &err) < 0 && strstr(err->msg, "rootfs"),
		  "config: no rootfs refused");
	TAP_CHECK(config_diff_ids("{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[7]}}", 42, &ids, &n,
				  &err) < 0, "config: non-string diff_id refused");
}

/* Children SIGKILLed while writing a blob: the next open removes their
 * tmp/ files; a live writer's are kept. */
static void test_crash_blob(void)
{
	_cleanup_berr_ berr_t err = NULL;
	struct berth_store *s;
	int blobs0 = count_entries("blobs/sha256");
	int pipefd[2];
	pid_t pid;
	char c;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		struct berth_store *cs = open_store();
		struct blob_writer *w;
		static char chunk[65536];

		if (!cs || blob_begin(cs, NULL, -1, &w, NULL) < 0)
			_exit(1);
		blob_write(w, chunk, sizeof(chunk), NULL);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			blob_write(w, chunk, sizeof(chunk), NULL), usleep(1000);
	}
	close(pipefd[1]);
	TAP_CHECK(read(pipefd[0], &c, 1) == 1, "writer child started a blob");
	close(pipefd[0]);
	s = open_store();
	TAP_CHECK(count_entries("tmp") == 1, "open keeps a live writer's tmp file");
	berth_store_close(s);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	TAP_CHECK(count_entries("tmp") == 1, "killed writer left its tmp file");
	s = open_store();
	TAP_CHECK(s && count_entries("tmp") == 0 && count_entries("blobs/sha256") == blobs0,
		  "reopen removes a dead writer's tmp file, no partial blob");
	/* foreign entries: only old ones are removed */
	{
		char p[512];
		struct timespec old[2] = { { .tv_sec = 1000 }, { .tv_sec = 1000 } };

		snprintf(p, sizeof(p), "%s/tmp/foreign-new", root);
		close(open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
		snprintf(p, sizeof(p), "%s/tmp/foreign-old", root);
		mkdir(p, 0700);
		utimensat(AT_FDCWD, p, old, 0);
		berth_store_close(s);
		s = open_store();
		TAP_CHECK(path_exists("tmp/foreign-new") && !path_exists("tmp/foreign-old"),
			  "tmp entries without a pid: only old ones removed");
		snprintf(p, sizeof(p), "%s/tmp/foreign-new", root);
		unlink(p);
	}
	berth_store_close(s);
}

#define CRASH_LAYERS 200

/* The child flips a name between two images of CRASH_LAYERS layers each,
 * removes and re-adds them, forever; it gets killed somewhere inside. */
static void __attribute__((noreturn)) crash_child(int ready_fd)
{
	struct berth_store *cs = open_store();
	const char *diffs[CRASH_LAYERS];
	char d[CRASH_LAYERS][DIGEST_LEN + 1];
	const char *ids[2] = {
		"sha256:c000000000000000000000000000000000000000000000000000000000000000",
		"sha256:c111111111111111111111111111111111111111111111111111111111111111",
	};

	if (!cs)
		_exit(1);
	for (int i = 0; i < CRASH_LAYERS; i++) {
		char b[32];

		snprintf(b, sizeof(b), "%d", i);
		sha256_buf(b, strlen(b), d[i]);
		diffs[i] = d[i];
	}
	if (write(ready_fd, "x", 1) != 1)
		_exit(1);
	for (unsigned i = 0;; i++) {
		struct image_record rec = {
			.id = ids[i & 1], .manifest_type = MT_OCI_MANIFEST,
			.n_layers = CRASH_LAYERS, .diff_ids = diffs,
		};

		store_image_add(cs, &rec, "docker.io/library/crash:1", NULL);
		store_image_add(cs, &rec, "docker.io/library/crash:2", NULL);
		if (i % 3 == 0)
			berth_image_remove(cs, "crash:2", false, NULL);
		if (i % 5 == 0)
			berth_image_prune(cs, false, NULL, NULL);
	}
}

/* All or nothing: every image has all its layers or is absent; the
 * database is intact and its foreign keys hold. */
static bool index_consistent(void)
{
	char path[512];
	sqlite3 *db;
	sqlite3_stmt *st;
	bool ok = true;

	snprintf(path, sizeof(path), "%s/images.db", root);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return false;
	sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL);
	ok &= sqlite3_step(st) == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, NULL);
	ok &= sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	sqlite3_prepare_v2(db, "SELECT i.id, (SELECT count(*) FROM image_layers l WHERE l.image_id = i.id) "
			   "FROM images i", -1, &st, NULL);
	while (sqlite3_step(st) == SQLITE_ROW)
		ok &= sqlite3_column_int(st, 1) == CRASH_LAYERS;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return ok;
}

static void test_crash_db(void)
{
	_cleanup_berr_ berr_t err = NULL;
	bool all_ok = true, names_ok = true;
	int rounds = 25;

	srand((unsigned)getpid());
	for (int r = 0; r < rounds; r++) {
		int pipefd[2];
		pid_t pid;
		char c;

		if (pipe2(pipefd, O_CLOEXEC) < 0)
			return;
		pid = fork();
		if (pid == 0)
			crash_child(pipefd[1]);
		close(pipefd[1]);
		if (read(pipefd[0], &c, 1) != 1)
			all_ok = false;
		close(pipefd[0]);
		usleep(2000 + (unsigned)(rand() % 40000));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);

		struct berth_store *s = open_store();
		struct berth_image **list = NULL;
		size_t n = 0;

		all_ok &= s && index_consistent();
		if (s && berth_image_list(s, &list, &n, &err) == 0) {
			for (size_t i = 0; i < n; i++)
				all_ok &= list[i]->n_layers == CRASH_LAYERS;
			berth_image_list_free(list, n);
		} else {
			all_ok = false;
		}
		/* crash:1 always names one of the two images once first added */
		if (s) {
			const char *id = lookup_id(s, "crash:1");

			names_ok &= !*id || id[7] == 'c';
		}
		berth_store_close(s);
	}
	TAP_CHECK(all_ok, "25 writers killed mid-transaction: index intact, every image whole");
	TAP_CHECK(names_ok, "names always point at a whole image");
	{
		struct berth_store *s = open_store();
		uint64_t freed;

		TAP_CHECK(s && berth_image_prune(s, true, &freed, &err) == 0 && index_consistent(),
			  "store usable after the crashes");
		berth_store_close(s);
	}
}

/* Writers in parallel queue on the index (busy_timeout, BEGIN IMMEDIATE)
 * rather than fail: 4 processes x 50 adds all land. */
static void test_concurrent_writers(void)
{
	_cleanup_berr_ berr_t err = NULL;
	struct berth_store *s;
	struct berth_image **list = NULL;
	size_t n = 0;
	pid_t pids[4];
	bool all_exit_ok = true;

	for (int p = 0; p < 4; p++) {
		pids[p] = fork();
		if (pids[p] == 0) {
			struct berth_store *cs = open_store();

			for (int i = 0; cs && i < 50; i++) {
				char id[DIGEST_LEN + 1], b[32], name[64];
				struct image_record rec = { .id = id, .manifest_type = MT_OCI_MANIFEST };

				snprintf(b, sizeof(b), "%d-%d", p, i);
				sha256_buf(b, strlen(b), id);
				snprintf(name, sizeof(name), "docker.io/library/par%d:%d", p, i);
				if (store_image_add(cs, &rec, name, NULL) < 0)
					_exit(1);
			}
			_exit(cs ? 0 : 1);
		}
	}
	for (int p = 0; p < 4; p++) {
		int st = 0;

		waitpid(pids[p], &st, 0);
		all_exit_ok &= WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	s = open_store();
	TAP_CHECK(all_exit_ok && s && berth_image_list(s, &list, &n, &err) == 0 && n == 200,
		  "4 processes adding 50 images each at once: all 200 land");
	berth_image_list_free(list, n);
	if (s) {
		uint64_t freed;

		berth_image_prune(s, true, &freed, &err);
		berth_store_close(s);
	}
}

int main(void)
{
	_cleanup_berr_ berr_t err = NULL;
	struct berth_store *s;
	int inherited;

	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	test_digest();
	inherited = non_cloexec_fds();
	s = open_store();
	TAP_CHECK(s != NULL, "store opens on an empty root");
	TAP_CHECK(path_exists("blobs/sha256") && path_exists("layers") && path_exists("tmp") &&
		  path_exists("images.db"), "store layout created");
	if (s) {
		TAP_CHECK(non_cloexec_fds() == inherited, "every fd the open store holds is CLOEXEC");
		test_blobs(s);
		berth_store_close(s);
	}
	test_images();
	test_reopen();
	test_manifests();
	test_index();
	test_config();
	test_concurrent_writers();
	test_crash_blob();
	test_crash_db();
	remove_tree_at(AT_FDCWD, root, &err);
	return TAP_DONE();
}
