/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for layer extraction (run as root, as berth does): any
 * input must be refused or extracted without a crash, and nothing may land
 * outside the layer directory -- after each input the directory that holds
 * it must hold nothing else.
 */
#include "image/image.h"
#include "util/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static int root_fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char tmpl[] = "/tmp/berth-fuzz-unpack.XXXXXX";

	(void)argc;
	(void)argv;
	if (!mkdtemp(tmpl))
		abort();
	root_fd = open(tmpl, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		abort();
	return 0;
}

/* the holder of the layer directory: nothing in it but "layer" */
static void check_nothing_escaped(void)
{
	int fd = openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d)
		abort();
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			__builtin_trap();
	closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct unpack_limits lim = { .max_bytes = 1 << 20, .max_entries = 2000 };
	char diff_id[DIGEST_LEN + 1];
	berr_t err = NULL;
	int in, dest, ret;

	in = memfd_create("layer", MFD_CLOEXEC);
	if (in < 0 || write_all(in, data, size) != (ssize_t)size || lseek(in, 0, SEEK_SET) < 0)
		abort();
	if (mkdirat(root_fd, "layer", 0755) < 0)
		abort();
	dest = openat(root_fd, "layer", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dest < 0)
		abort();
	ret = unpack_tar(in, dest, &lim, diff_id, &err);
	if ((ret < 0) != (err != NULL) || (err && !err->msg))
		__builtin_trap();
	if (ret == 0 && digest_check(diff_id, &err) < 0)
		__builtin_trap();
	berr_free(&err);
	close(dest);
	close(in);
	if (remove_tree_at(root_fd, "layer", &err) < 0)
		abort();
	check_nothing_escaped();
	return 0;
}
