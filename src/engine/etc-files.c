/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /etc/hosts, /etc/hostname and /etc/resolv.conf of a container: files in
 * its directory, bound over the image's (as docker and podman do), so the
 * image is never written to and each container has its own.
 */
#include "engine.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>

static int write_in(const char *dir, const char *name, const char *text, berr_t *err)
{
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (dfd < 0)
		return berr_errno(err, "open %s", dir);
	if (write_file_at(dfd, name, text, strlen(text), 0644, err) < 0)
		return berr_prefix(err, "%s/%s", dir, name);
	return 0;
}

/* The host's file, or "" when it has none. */
static int read_host(const char *path, char **out, berr_t *err)
{
	size_t len;

	if (read_file_at(AT_FDCWD, path, 1 << 20, out, &len, err) == 0)
		return 0;
	if ((*err)->errnum != ENOENT)
		return -1;
	berr_free(err);
	*out = strdup("");
	return *out ? 0 : berr_errno(err, "%s", path);
}

int etc_files_write(const char *dir, const char *hostname, enum berth_network net, berr_t *err)
{
	_cleanup_free_ char *hosts = NULL, *resolv = NULL, *name = NULL;

	if (net == BERTH_NET_HOST) {
		if (read_host("/etc/hosts", &hosts, err) < 0)
			return -1;
	} else if (asprintf(&hosts, "127.0.0.1\tlocalhost %s\n"
			    "::1\tlocalhost ip6-localhost ip6-loopback\n", hostname) < 0) {
		return berr_errno(err, "hosts");
	}
	if (read_host("/etc/resolv.conf", &resolv, err) < 0)
		return -1;
	if (asprintf(&name, "%s\n", hostname) < 0)
		return berr_errno(err, "hostname");
	if (write_in(dir, "hosts", hosts, err) < 0 || write_in(dir, "resolv.conf", resolv, err) < 0 ||
	    write_in(dir, "hostname", name, err) < 0)
		return -1;
	return 0;
}
