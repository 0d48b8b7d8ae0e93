/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CVE-2019-5736: a process in the container must never be able to open our
 * binary for writing through /proc/PID/exe.  Before any container work we
 * re-exec from a sealed memfd copy of ourselves, so /proc/PID/exe points at
 * an anonymous, unwritable file and the host binary is never exposed.
 */
#include "berth-runtime.h"
#include "../util/cleanup.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static bool running_from_sealed_copy(int exe)
{
	int seals = fcntl(exe, F_GET_SEALS);

	return seals >= 0 && (seals & SEALS) == SEALS;
}

/* A sealed memfd copy of our binary; -ENOENT (no error set) if we already
 * run from one. */
int berth_sealed_copy(berr_t *err)
{
	_cleanup_close_ int exe = -1, mfd = -1;
	struct stat sb;
	off_t off = 0;

	exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (exe < 0)
		return berr_errno(err, "open /proc/self/exe");
	if (running_from_sealed_copy(exe))
		return -ENOENT;
	if (fstat(exe, &sb) < 0)
		return berr_errno(err, "stat /proc/self/exe");
	mfd = memfd_create("berth-runtime", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return berr_errno(err, "memfd_create");
	while (off < sb.st_size) {
		ssize_t n = sendfile(mfd, exe, &off, (size_t)(sb.st_size - off));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return berr_errno(err, "copy runtime binary");
	}
	if (fcntl(mfd, F_ADD_SEALS, SEALS) < 0)
		return berr_errno(err, "seal runtime binary");
	return steal_fd(mfd);
}

int berth_ensure_cloned_binary(char **argv, char **envp, berr_t *err)
{
	_cleanup_close_ int mfd = berth_sealed_copy(err);

	if (mfd == -ENOENT)
		return 0;
	if (mfd < 0)
		return -1;
	fexecve(mfd, argv, envp);
	return berr_errno(err, "re-exec sealed runtime binary");
}
