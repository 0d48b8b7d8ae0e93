/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Layer extraction against crafted tarballs, built in memory with
 * libarchive's writer: the tree it makes (modes, owners, xattrs, times,
 * links, devices), the diff_id of plain, gzip and zstd streams against
 * sha256sum, overlayfs whiteouts (checked with a real overlay mount), and
 * hostile layers: "..", absolute paths, symlink and hardlink escapes toward
 * a sentinel directory beside the layer, size and entry bombs, truncated
 * and corrupt streams.  Then layer_unpack's store side.  Runs as root.
 */
#include "image/image.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "tap.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

static char top[64];            /* the test's private directory */
static char sentinel[128];      /* top/sentinel: no layer may touch it */

/* Undo everything on any exit: the overlay mount, the whole private tree. */
static void cleanup(void)
{
	_cleanup_berr_ berr_t err = NULL;
	char mnt[128];

	if (!top[0])
		return;
	snprintf(mnt, sizeof(mnt), "%s/mnt", top);
	umount2(mnt, MNT_DETACH);
	if (remove_tree_at(AT_FDCWD, top, &err) < 0)
		printf("# cleanup: %s\n", err->msg);
	top[0] = '\0';
}

static void die(void)
{
	printf("Bail out! test setup failed\n");
	exit(2);
}

/* ---- building tarballs ---- */

struct tar {
	struct archive *a;
	char *buf;
	size_t len;
	FILE *f;
};

static la_ssize_t tar_write_cb(struct archive *a, void *data, const void *buf, size_t len)
{
	(void)a;
	return fwrite(buf, 1, len, ((struct tar *)data)->f) == len ? (la_ssize_t)len : -1;
}

static void tar_begin(struct tar *t)
{
	memset(t, 0, sizeof(*t));
	t->f = open_memstream(&t->buf, &t->len);
	t->a = archive_write_new();
	archive_write_set_format_pax(t->a);
	archive_write_add_filter_none(t->a);
	if (archive_write_open2(t->a, t, NULL, tar_write_cb, NULL, NULL) != ARCHIVE_OK)
		die();
}

/* The uncompressed tar; t->buf/len stay valid until tar_free. */
static void tar_end(struct tar *t)
{
	archive_write_close(t->a);
	archive_write_free(t->a);
	fclose(t->f);
}

static void tar_free(struct tar *t)
{
	free(t->buf);
}

struct ent {
	const char *path;
	mode_t type;            /* AE_IF*; 0: regular */
	mode_t perm;
	const char *data;
	int64_t size;           /* when data is NULL: zeros */
	const char *symlink, *hardlink;
	unsigned uid, gid;
	time_t mtime, atime;
	unsigned maj, min;
	const char *xattr[6];   /* name, value pairs */
	const void *cap;        /* security.capability value */
	size_t cap_len;
};

static void add(struct tar *t, const struct ent *x)
{
	struct archive_entry *e = archive_entry_new();
	size_t dlen = x->data ? strlen(x->data) : 0;
	int64_t size = x->data ? (int64_t)dlen : x->size;

	archive_entry_set_pathname(e, x->path);
	archive_entry_set_filetype(e, x->type ? x->type : AE_IFREG);
	archive_entry_set_perm(e, x->perm ? x->perm : 0644);
	archive_entry_set_uid(e, x->uid);
	archive_entry_set_gid(e, x->gid);
	archive_entry_set_mtime(e, x->mtime ? x->mtime : 1600000000, 0);
	if (x->atime)
		archive_entry_set_atime(e, x->atime, 500);
	if (x->symlink)
		archive_entry_set_symlink(e, x->symlink);
	if (x->hardlink)
		archive_entry_set_hardlink(e, x->hardlink);
	if (x->type == AE_IFCHR || x->type == AE_IFBLK) {
		archive_entry_set_rdevmajor(e, x->maj);
		archive_entry_set_rdevminor(e, x->min);
	}
	for (int i = 0; i + 1 < 6 && x->xattr[i]; i += 2)
		archive_entry_xattr_add_entry(e, x->xattr[i], x->xattr[i + 1], strlen(x->xattr[i + 1]));
	if (x->cap)
		archive_entry_xattr_add_entry(e, "security.capability", x->cap, x->cap_len);
	if ((!x->type || x->type == AE_IFREG) && !x->hardlink && !x->symlink)
		archive_entry_set_size(e, size);
	if (archive_write_header(t->a, e) != ARCHIVE_OK)
		die();
	if (dlen)
		archive_write_data(t->a, x->data, dlen);
	/* the writer pads a short entry with zeros: cheap big files */
	archive_entry_free(e);
}

/* ---- running the unpacker ---- */

static int memfd_of(const void *buf, size_t len)
{
	int fd = memfd_create("layer", MFD_CLOEXEC);

	if (fd < 0 || write_all(fd, buf, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) != 0)
		die();
	return fd;
}

static char last_err[1024];

/* Unpack buf into a fresh top/name; returns unpack_tar's result. */
static int unpack_buf(const void *buf, size_t len, const char *name, const struct unpack_limits *lim,
		      char diff_id[DIGEST_LEN + 1])
{
	_cleanup_berr_ berr_t err = NULL;
	_cleanup_close_ int in = memfd_of(buf, len), dest = -1;
	char path[256];
	int r;

	snprintf(path, sizeof(path), "%s/%s", top, name);
	if (mkdir(path, 0755) < 0)
		die();
	dest = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	r = unpack_tar(in, dest, lim, diff_id, &err);
	snprintf(last_err, sizeof(last_err), "%s", err ? err->msg : "");
	if (err)
		printf("# %s: %s\n", name, err->msg);
	return r;
}

static int unpack_tarball(struct tar *t, const char *name)
{
	return unpack_buf(t->buf, t->len, name, NULL, NULL);
}

static char *P(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *P(const char *fmt, ...)
{
	static char bufs[4][512];
	static int i;
	char *b = bufs[i++ % 4];
	int n = snprintf(b, 512, "%s/", top);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b + n, 512 - (size_t)n, fmt, ap);
	va_end(ap);
	return b;
}

static struct stat lst(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		memset(&st, 0xff, sizeof(st));
	return st;
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static bool content_is(const char *path, const char *want)
{
	_cleanup_berr_ berr_t err = NULL;
	_cleanup_free_ char *got = NULL;

	if (read_file_at(AT_FDCWD, path, 1 << 20, &got, NULL, &err) < 0)
		return false;
	return !strcmp(got, want);
}

static void sha256_hex(const void *buf, size_t len, char out[DIGEST_LEN + 1])
{
	unsigned char sum[32];
	unsigned int n;
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	EVP_DigestUpdate(md, buf, len);
	EVP_DigestFinal_ex(md, sum, &n);
	EVP_MD_CTX_free(md);
	strcpy(out, "sha256:");
	for (int i = 0; i < 32; i++)
		sprintf(out + 7 + 2 * i, "%02x", sum[i]);
}

static void write_path(const char *path, const void *buf, size_t len)
{
	_cleanup_berr_ berr_t err = NULL;

	if (write_file_at(AT_FDCWD, path, buf, len, 0644, &err) < 0)
		die();
}

static bool read_path(const char *path, char **buf, size_t *len)
{
	_cleanup_berr_ berr_t err = NULL;

	return read_file_at(AT_FDCWD, path, 1 << 30, buf, len, &err) == 0;
}

static int run(const char *cmd)
{
	int r = system(cmd);

	return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

/* The sentinel beside every layer: a file and nothing else, mode 0700. */
static void sentinel_make(void)
{
	snprintf(sentinel, sizeof(sentinel), "%s/sentinel", top);
	mkdir(sentinel, 0700);
	write_path(P("sentinel/keep"), "keep", 4);
}

static bool sentinel_intact(void)
{
	_cleanup_closedir_ DIR *d = opendir(sentinel);
	struct stat st = lst(sentinel);
	char v[8];
	int n = 0;

	if (!d || (st.st_mode & 07777) != 0700 || st.st_uid != 0)
		return false;
	if (getxattr(sentinel, "trusted.overlay.opaque", v, sizeof(v)) >= 0)
		return false;
	for (struct dirent *de; (de = readdir(d));)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	return n == 1 && content_is(P("sentinel/keep"), "keep") &&
	       (lst(P("sentinel/keep")).st_mode & 07777) == 0644;
}

static int count_entries(const char *path)
{
	_cleanup_closedir_ DIR *d = opendir(path);
	int n = 0;

	if (!d)
		return -1;
	for (struct dirent *de; (de = readdir(d));)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	return n;
}

/* ---- the cases ---- */

static void test_plain_tree(void)
{
	/* v2 file capabilities: cap_net_bind_service, effective */
	static const uint32_t cap[5] = { 0x02000001, 1u << 10, 0, 0, 0 };
	struct tar t;
	struct stat st, st2;
	char v[64];
	ssize_t n;

	tar_begin(&t);
	add(&t, &(struct ent){ .path = "./", .type = AE_IFDIR, .perm = 0751, .mtime = 1111 });
	add(&t, &(struct ent){ .path = "usr/", .type = AE_IFDIR, .perm = 0755 });
	add(&t, &(struct ent){ .path = "usr/bin/", .type = AE_IFDIR, .perm = 0750, .uid = 7, .gid = 8,
			       .mtime = 1000000 });
	add(&t, &(struct ent){ .path = "usr/bin/prog", .perm = 04755, .uid = 1000, .gid = 1001,
			       .data = "#!/bin/true\n", .mtime = 12345, .atime = 23456,
			       .xattr = { "user.test", "val", "trusted.overlay.opaque", "y",
					  "security.selinux", "system_u" },
			       .cap = cap, .cap_len = sizeof(cap) });
	add(&t, &(struct ent){ .path = "usr/bin/sh", .type = AE_IFLNK, .symlink = "/usr/bin/prog",
			       .uid = 5, .gid = 6, .mtime = 4242 });
	add(&t, &(struct ent){ .path = "usr/bin/prog2", .hardlink = "usr/bin/prog" });
	add(&t, &(struct ent){ .path = "usr/bin/sgid", .perm = 02711, .gid = 50, .data = "x" });
	add(&t, &(struct ent){ .path = "tmp", .type = AE_IFDIR, .perm = 01777 });
	add(&t, &(struct ent){ .path = "srv", .type = AE_IFDIR, .perm = 02775, .gid = 100,
			       .xattr = { "user.dir", "d" } });
	add(&t, &(struct ent){ .path = "dev/null", .type = AE_IFCHR, .perm = 0666, .maj = 1, .min = 3 });
	add(&t, &(struct ent){ .path = "dev/loop9", .type = AE_IFBLK, .perm = 0660, .maj = 7,
			       .min = 9, .gid = 6 });
	add(&t, &(struct ent){ .path = "run/fifo", .type = AE_IFIFO, .perm = 0620, .uid = 3 });
	add(&t, &(struct ent){ .path = "/abs/file", .data = "absolute" });
	add(&t, &(struct ent){ .path = "big", .size = 3 << 20 });
	/* replacements within one layer: the last entry wins */
	add(&t, &(struct ent){ .path = "r1", .data = "file" });
	add(&t, &(struct ent){ .path = "r1", .type = AE_IFDIR, .perm = 0700 });
	add(&t, &(struct ent){ .path = "r2/sub/x", .data = "in dir" });
	add(&t, &(struct ent){ .path = "r2", .type = AE_IFLNK, .symlink = "r1" });
	add(&t, &(struct ent){ .path = "r3", .type = AE_IFDIR, .perm = 0700 });
	add(&t, &(struct ent){ .path = "r3", .type = AE_IFDIR, .perm = 0705 });
	tar_end(&t);

	TAP_CHECK(unpack_tarball(&t, "tree") == 0, "plain tree unpacks");
	st = lst(P("tree/usr/bin/prog"));
	TAP_CHECK(S_ISREG(st.st_mode) && (st.st_mode & 07777) == 04755,
		  "regular file keeps setuid mode after chown");
	TAP_CHECK(st.st_uid == 1000 && st.st_gid == 1001, "numeric owner set");
	TAP_CHECK(st.st_mtim.tv_sec == 12345, "file mtime restored");
	TAP_CHECK(st.st_atim.tv_sec == 23456 && st.st_atim.tv_nsec == 500, "file atime restored");
	TAP_CHECK(content_is(P("tree/usr/bin/prog"), "#!/bin/true\n"), "file data written");
	n = getxattr(P("tree/usr/bin/prog"), "user.test", v, sizeof(v));
	TAP_CHECK(n == 3 && !memcmp(v, "val", 3), "user.* xattr kept");
	n = getxattr(P("tree/usr/bin/prog"), "security.capability", v, sizeof(v));
	TAP_CHECK(n == sizeof(cap) && !memcmp(v, cap, sizeof(cap)),
		  "security.capability kept (set after chown)");
	TAP_CHECK(getxattr(P("tree/usr/bin/prog"), "trusted.overlay.opaque", v, sizeof(v)) < 0,
		  "trusted.overlay.* from the tar refused");
	TAP_CHECK(getxattr(P("tree/usr/bin/prog"), "security.selinux", v, sizeof(v)) < 0 ||
		  memcmp(v, "system_u", 8), "security.selinux from the tar not applied");
	st = lst(P("tree/usr/bin/sgid"));
	TAP_CHECK((st.st_mode & 07777) == 02711 && st.st_gid == 50, "setgid file");
	st = lst(P("tree/usr/bin"));
	TAP_CHECK(S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0750 && st.st_uid == 7 &&
		  st.st_gid == 8, "directory mode and owner");
	TAP_CHECK(st.st_mtim.tv_sec == 1000000, "directory mtime restored after its contents");
	st = lst(P("tree"));
	TAP_CHECK((st.st_mode & 07777) == 0751 && st.st_mtim.tv_sec == 1111,
		  "\"./\" entry sets the layer root's mode and mtime");
	TAP_CHECK((lst(P("tree/tmp")).st_mode & 07777) == 01777, "sticky directory");
	st = lst(P("tree/srv"));
	TAP_CHECK((st.st_mode & 07777) == 02775 && st.st_gid == 100 &&
		  getxattr(P("tree/srv"), "user.dir", v, sizeof(v)) == 1, "setgid directory with xattr");
	st = lst(P("tree/usr/bin/sh"));
	n = readlink(P("tree/usr/bin/sh"), v, sizeof(v));
	TAP_CHECK(S_ISLNK(st.st_mode) && n == 13 && !memcmp(v, "/usr/bin/prog", 13),
		  "symlink target stored verbatim");
	TAP_CHECK(st.st_uid == 5 && st.st_gid == 6 && st.st_mtim.tv_sec == 4242,
		  "symlink owner and mtime (not the target's)");
	st = lst(P("tree/usr/bin/prog"));
	st2 = lst(P("tree/usr/bin/prog2"));
	TAP_CHECK(st.st_ino == st2.st_ino && st.st_nlink == 2, "hardlink shares the inode");
	st = lst(P("tree/dev/null"));
	TAP_CHECK(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3) && (st.st_mode & 0777) == 0666,
		  "character device");
	st = lst(P("tree/dev/loop9"));
	TAP_CHECK(S_ISBLK(st.st_mode) && st.st_rdev == makedev(7, 9) && st.st_gid == 6 &&
		  (st.st_mode & 0777) == 0660, "block device");
	st = lst(P("tree/run/fifo"));
	TAP_CHECK(S_ISFIFO(st.st_mode) && (st.st_mode & 0777) == 0620 && st.st_uid == 3, "fifo");
	TAP_CHECK((lst(P("tree/run")).st_mode & 07777) == 0755,
		  "missing parent directories made 0755");
	TAP_CHECK(content_is(P("tree/abs/file"), "absolute"),
		  "absolute path taken relative to the layer");
	TAP_CHECK(lst(P("tree/big")).st_size == 3 << 20, "3 MiB file");
	TAP_CHECK(S_ISDIR(lst(P("tree/r1")).st_mode), "directory replaces a file");
	TAP_CHECK(S_ISLNK(lst(P("tree/r2")).st_mode) && !exists(P("tree/r1/sub")),
		  "symlink replaces a directory tree; writes went to the old tree only");
	TAP_CHECK((lst(P("tree/r3")).st_mode & 07777) == 0705, "existing directory: metadata updated");
	tar_free(&t);
}

/* sha256sum of a file, as "sha256:<hex>" */
static void sha256sum(const char *path, char out[DIGEST_LEN + 1])
{
	char cmd[2100], hex[80] = "";
	FILE *f;

	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
	f = popen(cmd, "r");
	if (!f || fscanf(f, "%64s", hex) != 1)
		hex[0] = '\0';
	if (f)
		pclose(f);
	snprintf(out, DIGEST_LEN + 1, "sha256:%s", hex);
}

static void unpack_file(const char *file, const char *name, char diff[DIGEST_LEN + 1], int *r)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;

	if (!read_path(file, &buf, &len))
		die();
	*r = unpack_buf(buf, len, name, NULL, diff);
}

static void test_diff_ids(void)
{
	struct tar t;
	char want[DIGEST_LEN + 1], want2[DIGEST_LEN + 1], got[DIGEST_LEN + 1], cmd[512];
	int r;

	tar_begin(&t);
	add(&t, &(struct ent){ .path = "etc/", .type = AE_IFDIR, .perm = 0755 });
	add(&t, &(struct ent){ .path = "etc/hostname", .data = "berth\n" });
	add(&t, &(struct ent){ .path = "data", .size = 700000 });
	tar_end(&t);
	write_path(P("d.tar"), t.buf, t.len);
	sha256_hex(t.buf, t.len, want);
	sha256sum(P("d.tar"), want2);
	TAP_CHECK(!strcmp(want, want2), "sha256sum agrees with EVP over the tar bytes");

	unpack_file(P("d.tar"), "d-plain", got, &r);
	TAP_CHECK(r == 0 && !strcmp(got, want2), "plain tar: diff_id is sha256sum of the tar");
	snprintf(cmd, sizeof(cmd), "gzip -c '%s/d.tar' > '%s/d.tar.gz'", top, top);
	TAP_CHECK(run(cmd) == 0, "gzip");
	unpack_file(P("d.tar.gz"), "d-gzip", got, &r);
	TAP_CHECK(r == 0 && !strcmp(got, want2), "gzip: diff_id is sha256sum of the uncompressed tar");
	snprintf(cmd, sizeof(cmd), "zstd -q -c '%s/d.tar' > '%s/d.tar.zst'", top, top);
	TAP_CHECK(run(cmd) == 0, "zstd");
	unpack_file(P("d.tar.zst"), "d-zstd", got, &r);
	TAP_CHECK(r == 0 && !strcmp(got, want2), "zstd: diff_id is sha256sum of the uncompressed tar");
	TAP_CHECK(content_is(P("d-zstd/etc/hostname"), "berth\n") &&
		  lst(P("d-zstd/data")).st_size == 700000, "zstd layer content");

	/* bytes after the end-of-archive blocks are part of what was hashed */
	snprintf(cmd, sizeof(cmd), "cat '%s/d.tar' /dev/zero | head -c %zu > '%s/e.tar' && "
		 "gzip -c '%s/e.tar' > '%s/e.tar.gz'", top, t.len + (1 << 20) + 3, top, top, top);
	TAP_CHECK(run(cmd) == 0, "tar with trailing zeros");
	sha256sum(P("e.tar"), want2);
	unpack_file(P("e.tar.gz"), "d-trail", got, &r);
	TAP_CHECK(r == 0 && !strcmp(got, want2) && strcmp(got, want),
		  "trailing bytes after the end of archive are in the diff_id");
	tar_free(&t);

	/* docker's empty layer: 1024 zero bytes, with its well-known diff_id */
	{
		static const char zeros[1024];

		TAP_CHECK(unpack_buf(zeros, sizeof(zeros), "d-empty", NULL, got) == 0 &&
			  !strcmp(got, "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef") &&
			  count_entries(P("d-empty")) == 0, "docker's empty layer");
	}
}

/* Layers made by GNU tar, as real producers make them: pax and gnu formats,
 * long names, non-ASCII and non-UTF-8 names, sparse files. */
static void test_gnu_tar(void)
{
	static const char *const formats[] = { "posix", "gnu" };
	char cmd[2048], want[DIGEST_LEN + 1], got[DIGEST_LEN + 1], name[32];
	const char *longdir = "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
			      "/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
	int r;

	snprintf(cmd, sizeof(cmd),
		 "set -e; cd '%s' && mkdir -p gsrc/%s && cd gsrc && "
		 "printf utf8 > 'caf\303\251' && printf latin1 > \"$(printf 'lat\351')\" && "
		 "printf deep > %s/file && ln -s %s/file longlink && ln 'caf\303\251' hard && "
		 "truncate -s 10M sparse && printf tail | dd of=sparse bs=1 seek=5000000 conv=notrunc "
		 "2>/dev/null && mkdir empty",
		 top, longdir, longdir, longdir);
	TAP_CHECK(run(cmd) == 0, "GNU tar source tree");
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
		snprintf(cmd, sizeof(cmd), "tar --format=%s --sparse -C '%s/gsrc' -cf '%s/g-%s.tar' .",
			 formats[i], top, top, formats[i]);
		if (run(cmd) != 0)
			die();
		snprintf(cmd, sizeof(cmd), "%s/g-%s.tar", top, formats[i]);
		sha256sum(cmd, want);
		snprintf(name, sizeof(name), "g-%s", formats[i]);
		unpack_file(cmd, name, got, &r);
		snprintf(cmd, sizeof(cmd), "GNU tar --format=%s layer: diff_id is its sha256sum",
			 formats[i]);
		TAP_CHECK(r == 0 && !strcmp(got, want), cmd);
		TAP_CHECK(content_is(P("%s/caf\303\251", name), "utf8") &&
			  content_is(P("%s/lat\351", name), "latin1"),
			  "non-ASCII names kept byte for byte");
		TAP_CHECK(content_is(P("%s/%s/file", name, longdir), "deep") &&
			  S_ISLNK(lst(P("%s/longlink", name)).st_mode), "long names and link targets");
		TAP_CHECK(lst(P("%s/hard", name)).st_ino == lst(P("%s/caf\303\251", name)).st_ino,
			  "GNU tar hardlink");
		TAP_CHECK(lst(P("%s/sparse", name)).st_size == 10 << 20 &&
			  lst(P("%s/sparse", name)).st_blocks < 1024, "sparse file stays sparse");
		snprintf(cmd, sizeof(cmd), "cmp -s '%s/gsrc/sparse' '%s/%s/sparse'", top, top, name);
		TAP_CHECK(run(cmd) == 0, "sparse file content");
	}
}

static void test_whiteouts(void)
{
	struct tar t;
	struct stat st;
	char v[8], opts[512];
	int r;

	tar_begin(&t);
	add(&t, &(struct ent){ .path = "a/", .type = AE_IFDIR, .perm = 0755 });
	add(&t, &(struct ent){ .path = "a/keep", .data = "lower" });
	add(&t, &(struct ent){ .path = "a/gone", .data = "lower" });
	add(&t, &(struct ent){ .path = "a/gonedir/x", .data = "lower" });
	add(&t, &(struct ent){ .path = "d/", .type = AE_IFDIR, .perm = 0755 });
	add(&t, &(struct ent){ .path = "d/child", .data = "lower" });
	tar_end(&t);
	TAP_CHECK(unpack_tarball(&t, "wh1") == 0, "lower layer unpacks");
	tar_free(&t);

	tar_begin(&t);
	add(&t, &(struct ent){ .path = "a/.wh.gone" });
	add(&t, &(struct ent){ .path = "a/.wh.gonedir" });
	add(&t, &(struct ent){ .path = "d/", .type = AE_IFDIR, .perm = 0755 });
	add(&t, &(struct ent){ .path = "d/.wh..wh..opq" });
	add(&t, &(struct ent){ .path = "d/new", .data = "upper" });
	add(&t, &(struct ent){ .path = ".wh..wh.plnk/", .type = AE_IFDIR });
	/* a whiteout in the same layer removes what came before it */
	add(&t, &(struct ent){ .path = "s/x", .data = "same layer" });
	add(&t, &(struct ent){ .path = "s/.wh.x" });
	tar_end(&t);
	TAP_CHECK(unpack_tarball(&t, "wh2") == 0, "upper layer with whiteouts unpacks");
	tar_free(&t);

	st = lst(P("wh2/a/gone"));
	TAP_CHECK(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0), ".wh.NAME becomes a 0/0 char device");
	TAP_CHECK(!exists(P("wh2/a/.wh.gone")), "the .wh. entry itself is not left");
	TAP_CHECK(S_ISCHR(lst(P("wh2/a/gonedir")).st_mode), "whiteout of a directory");
	TAP_CHECK(getxattr(P("wh2/d"), "trusted.overlay.opaque", v, sizeof(v)) == 1 && v[0] == 'y',
		  ".wh..wh..opq sets trusted.overlay.opaque=y");
	TAP_CHECK(!exists(P("wh2/d/.wh..wh..opq")) && !exists(P("wh2/.wh..wh.plnk")),
		  "opaque marker and .wh..wh.* entries not extracted");
	st = lst(P("wh2/s/x"));
	TAP_CHECK(S_ISCHR(st.st_mode) && st.st_rdev == 0, "whiteout replaces an earlier entry");

	mkdir(P("mnt"), 0755);
	snprintf(opts, sizeof(opts), "lowerdir=%s/wh2:%s/wh1", top, top);
	r = mount("overlay", P("mnt"), "overlay", MS_RDONLY, opts);
	TAP_CHECK(r == 0, "overlay mount of the two layers");
	if (r == 0) {
		TAP_CHECK(content_is(P("mnt/a/keep"), "lower"), "overlay: lower file visible");
		TAP_CHECK(!exists(P("mnt/a/gone")) && !exists(P("mnt/a/gonedir")),
			  "overlay: whiteout hides the lower file and directory");
		TAP_CHECK(!exists(P("mnt/d/child")) && content_is(P("mnt/d/new"), "upper"),
			  "overlay: opaque directory hides lower children");
		umount2(P("mnt"), MNT_DETACH);
	}
}

/* One hostile layer into top/name: must fail, or succeed with everything
 * inside; the sentinel stays as it was either way. */
static int hostile(struct tar *t, const char *name)
{
	int r;

	tar_end(t);
	r = unpack_tarball(t, name);
	tar_free(t);
	return r;
}

static void test_dotdot_and_paths(void)
{
	struct tar t;
	char longp[6000], deep[6100];

	tar_begin(&t);
	add(&t, &(struct ent){ .path = "ok", .data = "fine" });
	add(&t, &(struct ent){ .path = "a/../../sentinel/evil", .data = "evil" });
	TAP_CHECK(hostile(&t, "dd1") < 0 && strstr(last_err, "a/../../sentinel/evil") &&
		  strstr(last_err, ".."), "\"..\" refused, naming the entry");
	TAP_CHECK(sentinel_intact(), "sentinel intact after \"..\"");

	tar_begin(&t);
	add(&t, &(struct ent){ .path = "../sentinel", .type = AE_IFDIR, .perm = 0777 });
	TAP_CHECK(hostile(&t, "dd2") < 0 && sentinel_intact(), "leading \"..\" directory refused");

	tar_begin(&t);
	add(&t, &(struct ent){ .path = "x", .hardlink = "../sentinel/keep" });
	TAP_CHECK(hostile(&t, "dd3") < 0 && !exists(P("dd3/x")) && sentinel_intact(),
		  "hardlink to ../ refused");

	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	for (size_t i = 100; i < sizeof(longp) - 1; i += 100)
		longp[i] = '/';
	tar_begin(&t);
	add(&t, &(struct ent){ .path = longp, .data = "x" });
	TAP_CHECK(hostile(&t, "long1") < 0 && strstr(last_err, "too long"), "over-long path refused");
	tar_begin(&t);
	add(&t, &(struct ent){ .path = "l", .type = AE_IFLNK, .symlink = longp });
	TAP_CHECK(hostile(&t, "long2") < 0, "over-long symlink target refused");

	/* 2000 missing parents, made one step each */
	for (int i = 0; i < 2000; i++)
		memcpy(longp + 2 * i, "a/", 2);
	strcpy(longp + 4000, "f");
	tar_begin(&t);
	add(&t, &(struct ent){ .path = longp, .data = "deep" });
	add(&t, &(struct ent){ .path = "b", .type = AE_IFLNK, .symlink = "a/a/a" });
	add(&t, &(struct ent){ .path = "b/a/x", .data = "via b" });
	snprintf(deep, sizeof(deep), "%s/deep/%s", top, longp);
	TAP_CHECK(hostile(&t, "deep") == 0 && content_is(deep, "deep") &&
		  content_is(P("deep/a/a/a/a/x"), "via b"),
		  "2000 missing parent directories created, through a symlink too");
}

static void test_symlink_escapes(void)
{
	struct tar t;
	char abs_target[256];
	int r;

	snprintf(abs_target, sizeof(abs_target), "%s", sentinel);

	/* a -> /abs/sentinel, write through it: lands in the layer's own copy */
	tar_begin(&t);
	add(&t, &(struct ent){ .path = abs_target + 1, .type = AE_IFDIR, .perm = 0755 });
	add(&t, &(struct ent){ .path = "a", .type = AE_IFLNK, .symlink = abs_target });
	add(&t, &(struct ent){ .path = "a/pwned", .data = "evil" });
	add(&t, &(struct ent){ .path = "a/keep", .data = "evil" });
	r = hostile(&t, "esc1");
	TAP_CHECK(r == 0 && content_is(P("esc1%s/pwned", sentinel), "evil") &&
		  content_is(P("esc1%s/keep", sentinel), "evil"),
		  "write through an absolute symlink lands inside the layer");
	TAP_CHECK(sentinel_intact(), "sentinel intact after absolute symlink write-through");

	/* relative escape, chained: b -> c/../../.., c -> ../../.. */
	tar_begin(&t);
	add(&t, &(struct ent){ .path = "sentinel/", .type = AE_IFDIR, .perm = 0755 });
	add(&t, &(struct ent){ .path = "c", .type = AE_IFLNK, .symlink = "../../.." });
	add(&t, &(struct ent){ .path = "b", .type = AE_IFLNK, .symlink = "c/../../../sentinel" });
	add(&t, &(struct ent){ .path = "b/keep", .data = "evil" });
	add(&t, &(struct ent){ .path = "c/sentinel/pwned", .data = "evil" });
	r = hostile(&t, "esc2");
	TAP_CHECK(r == 0 && content_is(P("esc2/sentinel/keep"), "evil") &&
		  content_is(P("esc2/sentinel/pwned"), "evil"),
		  "chained relative symlinks resolve inside the layer");
	TAP_CHECK(sentinel_intact(), "sentinel intact after relative symlink write-through");

	/* the target is missing inside: an error, never the outside path */
	tar_begin(&t);
	add(&t, &(struct ent){ .path = "m", .type = AE_IFLNK, .symlink = "../sentinel" });
	add(&t, &(struct ent){ .path = "m/pwned", .data = "evil" });
	hostile(&t, "esc3");
	TAP_CHECK(sentinel_intact(), "dangling escape symlink: nothing written outside");

	/* a file, a directory, a device over a symlink replace the symlink */
	tar_begin(&t);
	add(&t, &(struct ent){ .path = "f", .type = AE_IFLNK, .symlink = abs_target });
	add(&t, &(struct ent){ .path = "f", .type = AE_IFDIR, .perm = 0777, .uid = 99 });
	add(&t, &(struct ent){ .path = "k", .type = AE_IFLNK, .symlink = "../sentinel/keep" });
	add(&t, &(struct ent){ .path = "k", .data = "evil", .perm = 0666 });
	add(&t, &(struct ent){ .path = "n", .type = AE_IFLNK, .symlink = "../sentinel/keep" });
	add(&t, &(struct ent){ .path = "n", .type = AE_IFIFO, .perm = 0666 });
	r = hostile(&t, "esc4");
	TAP_CHECK(r == 0 && S_ISDIR(lst(P("esc4/f")).st_mode) && S_ISREG(lst(P("esc4/k")).st_mode) &&
		  S_ISFIFO(lst(P("esc4/n")).st_mode), "entries over symlinks replace the symlinks");
	TAP_CHECK(sentinel_intact(), "sentinel intact after entries over symlinks");

	/* hardlink through a symlink to outside */
	tar_begin(&t);
	add(&t, &(struct ent){ .path = "h", .type = AE_IFLNK, .symlink = abs_target });
	add(&t, &(struct ent){ .path = "x", .hardlink = "h/keep" });
	TAP_CHECK(hostile(&t, "esc5") < 0 && !exists(P("esc5/x")), "hardlink through a symlink refused");
	TAP_CHECK(sentinel_intact() && lst(P("sentinel/keep")).st_nlink == 1,
		  "sentinel intact after hardlink through symlink");

	/* whiteout and opaque marker through a symlink */
	tar_begin(&t);
	add(&t, &(struct ent){ .path = "w", .type = AE_IFLNK, .symlink = abs_target });
	add(&t, &(struct ent){ .path = "w/.wh.keep" });
	hostile(&t, "esc6");
	tar_begin(&t);
	add(&t, &(struct ent){ .path = "o", .type = AE_IFLNK, .symlink = "../sentinel" });
	add(&t, &(struct ent){ .path = "o/.wh..wh..opq" });
	hostile(&t, "esc7");
	TAP_CHECK(sentinel_intact(), "whiteout and opaque marker through symlinks stay inside");
}

static void test_hardlinks(void)
{
	struct tar t;
	struct stat a, b;

	tar_begin(&t);
	add(&t, &(struct ent){ .path = "x", .hardlink = "/etc/shadow" });
	TAP_CHECK(hostile(&t, "hl1") < 0 && !exists(P("hl1/x")) && strstr(last_err, "x"),
		  "hardlink to /etc/shadow (absent in the layer) refused");

	tar_begin(&t);
	add(&t, &(struct ent){ .path = "x", .hardlink = sentinel });
	TAP_CHECK(hostile(&t, "hl2") < 0 && sentinel_intact(), "hardlink to an outside path refused");

	tar_begin(&t);
	add(&t, &(struct ent){ .path = "etc/shadow", .data = "inside", .perm = 0600 });
	add(&t, &(struct ent){ .path = "x", .hardlink = "/etc/shadow" });
	TAP_CHECK(hostile(&t, "hl3") == 0, "absolute hardlink target inside the layer");
	a = lst(P("hl3/x"));
	b = lst(P("hl3/etc/shadow"));
	TAP_CHECK(a.st_ino == b.st_ino && content_is(P("hl3/x"), "inside"),
		  "absolute hardlink target resolved inside the layer");

	tar_begin(&t);
	add(&t, &(struct ent){ .path = "dir/", .type = AE_IFDIR });
	add(&t, &(struct ent){ .path = "x", .hardlink = "dir" });
	TAP_CHECK(hostile(&t, "hl4") < 0, "hardlink to a directory refused");

	/* a hardlink to a symlink links the symlink, not its target */
	tar_begin(&t);
	add(&t, &(struct ent){ .path = "s", .type = AE_IFLNK, .symlink = P("sentinel/keep") });
	add(&t, &(struct ent){ .path = "x", .hardlink = "s" });
	TAP_CHECK(hostile(&t, "hl5") == 0 && S_ISLNK(lst(P("hl5/x")).st_mode) && sentinel_intact(),
		  "hardlink to a symlink links the symlink itself");
}

static void test_bombs(void)
{
	struct tar t;
	struct unpack_limits lim = { .max_bytes = 1 << 20, .max_entries = 10 };
	char cmd[512];
	_cleanup_free_ char *buf = NULL;
	size_t len;

	tar_begin(&t);
	add(&t, &(struct ent){ .path = "a", .size = 600 << 10 });
	add(&t, &(struct ent){ .path = "b", .size = 600 << 10 });
	tar_end(&t);
	TAP_CHECK(unpack_buf(t.buf, t.len, "bomb1", &lim, NULL) < 0 && strstr(last_err, "bytes"),
		  "size bomb stopped by max_bytes");
	TAP_CHECK(!exists(P("bomb1/b")), "size bomb: the entry over the limit was not written");
	TAP_CHECK(unpack_buf(t.buf, t.len, "bomb1b", NULL, NULL) == 0, "same layer passes default limits");
	tar_free(&t);

	tar_begin(&t);
	for (int i = 0; i < 50; i++) {
		char name[16];

		snprintf(name, sizeof(name), "f%d", i);
		add(&t, &(struct ent){ .path = name });
	}
	tar_end(&t);
	TAP_CHECK(unpack_buf(t.buf, t.len, "bomb2", &lim, NULL) < 0 && strstr(last_err, "entries"),
		  "entry-count bomb stopped by max_entries");
	TAP_CHECK(!exists(P("bomb2/f10")), "entry-count bomb: stopped at the limit");
	write_path(P("small.tar"), t.buf, t.len);
	tar_free(&t);

	/* endless zeros after the archive: bounded too */
	snprintf(cmd, sizeof(cmd), "head -c 50000000 /dev/zero | cat '%s/small.tar' - | gzip -1 -c > '%s/zeros.tar.gz'",
		 top, top);
	TAP_CHECK(run(cmd) == 0, "50 MB of trailing zeros, gzipped");
	if (!read_path(P("zeros.tar.gz"), &buf, &len))
		die();
	lim.max_entries = 100;
	TAP_CHECK(unpack_buf(buf, len, "bomb3", &lim, NULL) < 0 && strstr(last_err, "larger"),
		  "decompression bomb after the archive stopped");
}

static void test_truncated(void)
{
	struct tar t;
	char cmd[512];
	_cleanup_free_ char *gz = NULL;
	char want[DIGEST_LEN + 1], got[DIGEST_LEN + 1];
	size_t len;
	int fd;
	char junk[4096];

	tar_begin(&t);
	add(&t, &(struct ent){ .path = "a", .size = 200000 });
	add(&t, &(struct ent){ .path = "b", .data = "last" });
	tar_end(&t);
	write_path(P("t.tar"), t.buf, t.len);
	snprintf(cmd, sizeof(cmd), "gzip -c '%s/t.tar' > '%s/t.tar.gz'", top, top);
	if (run(cmd) != 0 || !read_path(P("t.tar.gz"), &gz, &len))
		die();
	TAP_CHECK(unpack_buf(gz, len, "tr0", NULL, NULL) == 0, "whole gzip layer unpacks");
	TAP_CHECK(unpack_buf(gz, len / 2, "tr1", NULL, NULL) < 0, "truncated gzip is an error");
	TAP_CHECK(unpack_buf(gz, len - 4, "tr2", NULL, NULL) < 0,
		  "gzip missing its trailer is an error");
	TAP_CHECK(unpack_buf(t.buf, 100000, "tr3", NULL, NULL) < 0,
		  "tar cut inside file data is an error");
	TAP_CHECK(unpack_buf(t.buf, 700, "tr4", NULL, NULL) < 0, "tar cut after a header is an error");
	/* libarchive does not check the gzip CRC: a flip inside deflate data may
	 * decode, but then to other bytes, and the diff_id tells */
	unpack_buf(t.buf, t.len, "tr5a", NULL, want);
	gz[len / 2] ^= 0x55;
	gz[len / 2 + 1] ^= 0x55;
	TAP_CHECK(unpack_buf(gz, len, "tr5", NULL, got) < 0 || strcmp(got, want),
		  "corrupt gzip is an error or changes the diff_id");
	gz[40] ^= 0xff;
	TAP_CHECK(unpack_buf(gz, len, "tr5b", NULL, got) < 0, "corrupt deflate block header is an error");
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read_all(fd, junk, sizeof(junk)) != sizeof(junk))
		die();
	close(fd);
	TAP_CHECK(unpack_buf(junk, sizeof(junk), "tr6", NULL, NULL) < 0, "random bytes are an error");
	TAP_CHECK(unpack_buf("", 0, "tr7", NULL, NULL) < 0, "empty stream is an error");
	tar_free(&t);
}


static void test_layer_unpack(void)
{
	_cleanup_berr_ berr_t err = NULL;
	struct berth_store s = { 0 };
	struct tar t;
	char diff[DIGEST_LEN + 1], wrong[DIGEST_LEN + 1], diff4[DIGEST_LEN + 1];
	int fd, r;

	mkdir(P("store"), 0700);
	s.root = P("store");
	s.root_fd = open(s.root, O_PATH | O_DIRECTORY | O_CLOEXEC);

	tar_begin(&t);
	add(&t, &(struct ent){ .path = "hello", .data = "world" });
	tar_end(&t);
	sha256_hex(t.buf, t.len, diff);
	sha256_hex("other", 5, wrong);

	fd = memfd_of(t.buf, t.len);
	r = layer_unpack(&s, fd, wrong, NULL, &err);
	close(fd);
	TAP_CHECK(r < 0 && err && strstr(err->msg, "mismatch"), "diff_id mismatch is an error");
	if (err)
		printf("# %s\n", err->msg);
	berr_free(&err);
	TAP_CHECK(count_entries(P("store/layers")) == 0 && count_entries(P("store/tmp")) == 0,
		  "mismatch leaves nothing in layers/ or tmp/");

	fd = memfd_of(t.buf, t.len);
	r = layer_unpack(&s, fd, "sha256:../../etc", NULL, &err);
	close(fd);
	TAP_CHECK(r < 0, "malformed diff_id refused");
	berr_free(&err);

	fd = memfd_of(t.buf, t.len);
	r = layer_unpack(&s, fd, diff, NULL, &err);
	close(fd);
	TAP_CHECK(r == 0 && content_is(P("store/layers/%s/hello", diff + 7), "world"),
		  "layer unpacked into layers/<hex>");
	TAP_CHECK(count_entries(P("store/tmp")) == 0 && count_entries(P("store/layers")) == 1,
		  "tmp/ empty after success");

	/* present already: not read as a tar (this is not one), but drained */
	fd = memfd_of("not a tar at all", 16);
	r = layer_unpack(&s, fd, diff, NULL, &err);
	TAP_CHECK(r == 0 && lseek(fd, 0, SEEK_CUR) == 16, "present layer skipped, input drained");
	close(fd);

	/* from a pipe, as a download streams in (four copies back to back: the
	 * tar ends after the first), then, present, drained to the end so the
	 * writer finishes instead of blocking */
	{
		_cleanup_free_ char *four = malloc(4 * t.len);

		for (int i = 0; i < 4; i++)
			memcpy(four + i * t.len, t.buf, t.len);
		sha256_hex(four, 4 * t.len, diff4);
	}
	for (int round = 0; round < 2; round++) {
		int pfd[2], status = -1;
		pid_t pid;

		if (pipe2(pfd, O_CLOEXEC) < 0)
			die();
		pid = fork();
		if (pid == 0) {
			close(pfd[0]);
			for (int i = 0; i < 4; i++)
				if (write_all(pfd[1], t.buf, t.len) != (ssize_t)t.len)
					_exit(1);
			_exit(0);
		}
		close(pfd[1]);
		r = layer_unpack(&s, pfd[0], round ? diff : diff4, NULL, &err);
		close(pfd[0]);
		waitpid(pid, &status, 0);
		if (round == 0)
			TAP_CHECK(r == 0 && content_is(P("store/layers/%s/hello", diff4 + 7), "world"),
				  "pipe input: trailing data after the archive is in the diff_id");
		else
			TAP_CHECK(r == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
				  "present layer: a streaming writer runs to completion");
		berr_free(&err);
	}

	/* a corrupt stream: the tmp dir goes */
	fd = memfd_of(t.buf, 600);
	r = layer_unpack(&s, fd, wrong, NULL, &err);
	close(fd);
	TAP_CHECK(r < 0 && count_entries(P("store/tmp")) == 0 && count_entries(P("store/layers")) == 2,
		  "failed unpack leaves no tmp/ directory");
	if (err)
		printf("# %s\n", err->msg);
	tar_free(&t);

	/* four processes unpack one layer at once: one rename wins, all succeed */
	tar_begin(&t);
	for (int i = 0; i < 300; i++) {
		char name[32];

		snprintf(name, sizeof(name), "d%d/f%d", i % 10, i);
		add(&t, &(struct ent){ .path = name, .size = 20000 });
	}
	tar_end(&t);
	sha256_hex(t.buf, t.len, diff);
	{
		pid_t kids[4];
		int ok = 0;

		for (int i = 0; i < 4; i++) {
			kids[i] = fork();
			if (kids[i] == 0) {
				berr_t e = NULL;
				int in = memfd_of(t.buf, t.len);

				_exit(layer_unpack(&s, in, diff, NULL, &e) == 0 ? 0 : 1);
			}
		}
		for (int i = 0; i < 4; i++) {
			int status;

			if (kids[i] > 0 && waitpid(kids[i], &status, 0) == kids[i] &&
			    WIFEXITED(status) && WEXITSTATUS(status) == 0)
				ok++;
		}
		TAP_CHECK(ok == 4, "four concurrent unpacks of one layer all succeed");
	}
	TAP_CHECK(count_entries(P("store/tmp")) == 0 && count_entries(P("store/layers")) == 3 &&
		  count_entries(P("store/layers/%s", diff + 7)) == 10 &&
		  count_entries(P("store/layers/%s/d9", diff + 7)) == 30,
		  "one complete copy in layers/, the losers' tmp/ dirs removed");
	close(s.root_fd);
	tar_free(&t);
}

int main(void)
{
	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root\n");
		return 0;
	}
	snprintf(top, sizeof(top), "/tmp/test-unpack-XXXXXX");
	if (!mkdtemp(top))
		return 1;
	atexit(cleanup);
	sentinel_make();

	test_plain_tree();
	test_diff_ids();
	test_gnu_tar();
	test_whiteouts();
	test_dotdot_and_paths();
	test_symlink_escapes();
	test_hardlinks();
	test_bombs();
	test_truncated();
	test_layer_unpack();

	cleanup();
	return TAP_DONE();
}
