/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The archive source of berth load: path cleaning, entries by name, links kept inside. */
#include "tap.h"
#include "image/archive-internal.h"
#include "util/cleanup.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

static int clean_ok(const char *in, const char *want)
{
	_cleanup_berr_ berr_t err = NULL;
	_cleanup_free_ char *out = NULL;

	return archive_path_clean(in, &out, &err) == 0 && !strcmp(out, want);
}

static int clean_refused(const char *in)
{
	_cleanup_berr_ berr_t err = NULL;
	_cleanup_free_ char *out = NULL;

	return archive_path_clean(in, &out, &err) < 0 && err && !out;
}

enum kind { REG, SYM, HARD, DIR_ };

static void add(struct archive *w, const char *name, enum kind k, const char *data)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_perm(e, 0644);
	switch (k) {
	case REG:
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_size(e, (la_int64_t)strlen(data));
		break;
	case SYM:
		archive_entry_set_filetype(e, AE_IFLNK);
		archive_entry_set_symlink(e, data);
		break;
	case HARD:
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_hardlink(e, data);
		break;
	case DIR_:
		archive_entry_set_filetype(e, AE_IFDIR);
		break;
	}
	archive_write_header(w, e);
	if (k == REG)
		archive_write_data(w, data, strlen(data));
	archive_entry_free(e);
}

static char *read_name(struct archive_src *src, const char *name)
{
	_cleanup_berr_ berr_t err = NULL;
	char *buf = NULL;
	size_t len;

	if (archive_src_read(src, name, 1024, &buf, &len, &err) < 0)
		return NULL;
	return buf;
}

static int test_tar(void)
{
	char path[] = "/tmp/test-archive.XXXXXX";
	struct berth_store s = { .root = (char *)"/nonexistent", .root_fd = -1 };
	_cleanup_berr_ berr_t err = NULL;
	struct archive_src src;
	struct archive *w;
	int fd = mkstemp(path);
	char *v;

	if (fd < 0)
		return 1;
	w = archive_write_new();
	archive_write_set_format_pax_restricted(w);
	archive_write_open_fd(w, fd);
	add(w, "./", DIR_, NULL);
	add(w, "./manifest.json", REG, "first");
	add(w, "./manifest.json", REG, "[]");
	add(w, "./abc/", DIR_, NULL);
	add(w, "./abc/layer.tar", SYM, "../layer-real.tar");
	add(w, "layer-real.tar", REG, "LAYER");
	add(w, "hard", HARD, "./layer-real.tar");
	add(w, "evil", SYM, "../../../etc/passwd");
	add(w, "abs", SYM, "/etc/passwd");
	add(w, "loop1", SYM, "loop2");
	add(w, "loop2", SYM, "loop1");
	add(w, "../escape", REG, "nope");
	archive_write_close(w);
	archive_write_free(w);
	close(fd);

	TAP_CHECK(archive_src_open(&s, path, &src, &err) == 0, "a tar is indexed");
	v = read_name(&src, "manifest.json");
	TAP_CHECK(v && !strcmp(v, "[]"), "the last entry of a name wins, ./ dropped");
	free(v);
	v = read_name(&src, "abc/layer.tar");
	TAP_CHECK(v && !strcmp(v, "LAYER"), "a relative symlink is followed inside the archive");
	free(v);
	v = read_name(&src, "hard");
	TAP_CHECK(v && !strcmp(v, "LAYER"), "a hard link reads its target");
	free(v);
	TAP_CHECK(!archive_src_has(&src, "evil"), "a symlink climbing out names nothing");
	TAP_CHECK(!archive_src_has(&src, "abs"), "an absolute symlink names nothing");
	TAP_CHECK(!archive_src_has(&src, "loop1"), "a symlink loop names nothing");
	TAP_CHECK(!archive_src_has(&src, "escape") && !archive_src_has(&src, "../escape"),
		  "an entry named above the archive is never found");
	TAP_CHECK(!archive_src_has(&src, "abc"), "a directory is not a file");
	{
		_cleanup_berr_ berr_t e2 = NULL;
		char *buf = NULL;

		TAP_CHECK(archive_src_read(&src, "layer-real.tar", 3, &buf, NULL, &e2) == -EFBIG &&
				  !buf,
			  "a file over the read bound is refused");
	}
	archive_src_close(&src);
	unlink(path);
	return 0;
}

static int test_garbage(void)
{
	char path[] = "/tmp/test-archive.XXXXXX";
	struct berth_store s = { .root = (char *)"/nonexistent", .root_fd = -1 };
	_cleanup_berr_ berr_t err = NULL;
	struct archive_src src;
	int fd = mkstemp(path);
	char junk[4096];

	if (fd < 0)
		return 1;
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 7 + 3);
	if (write(fd, junk, sizeof(junk)) != (ssize_t)sizeof(junk))
		return 1;
	close(fd);
	TAP_CHECK(archive_src_open(&s, path, &src, &err) < 0 && err && err->msg,
		  "garbage is refused with a message");
	TAP_CHECK(src.tarfd < 0 && src.n_ents == 0, "a refused archive leaves nothing open");
	unlink(path);
	return 0;
}

int main(void)
{
	TAP_CHECK(clean_ok("a/./b//c/", "a/b/c"), "clean: . and empty components dropped");
	TAP_CHECK(clean_ok("./manifest.json", "manifest.json"), "clean: leading ./");
	TAP_CHECK(clean_refused("../x.tar"), "clean: ../ refused");
	TAP_CHECK(clean_refused("a/../../x"), "clean: climbing out refused");
	TAP_CHECK(clean_refused("a/../b"), "clean: any .. refused");
	TAP_CHECK(clean_refused("/etc/passwd"), "clean: absolute refused");
	TAP_CHECK(clean_refused(""), "clean: empty refused");
	TAP_CHECK(clean_refused("./"), "clean: nothing left refused");
	if (test_tar() || test_garbage())
		TAP_CHECK(0, "temporary file");
	return TAP_DONE();
}
