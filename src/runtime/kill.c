/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Signals to a container.  The init is addressed through a pidfd opened and
 * then checked against the recorded start time, so a recycled pid is never
 * signalled.  --all reaches every process of the container's own pid
 * namespace (the cgroup takes over that job where there is one).
 */
#include "container.h"
#include "cgroup.h"
#include "../util/cleanup.h"

#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int container_pidfd(const struct berth_state *st, berr_t *err)
{
	unsigned long long t;
	int fd;

	fd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	if (fd < 0)
		return berr_errno(err, "pidfd_open %d", st->pid);
	/* checked after pidfd_open: the pid cannot be recycled behind the fd */
	if (proc_start_time(st->pid, &t) < 0 || t != st->pid_start) {
		close(fd);
		return berr_set(err, ESRCH, "container \"%s\" is not running", st->id);
	}
	return fd;
}

static int signal_pidns(pid_t init, int sig)
{
	char path[64];
	struct stat init_ns, own_ns;
	_cleanup_closedir_ DIR *d = NULL;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", init);
	if (stat(path, &init_ns) < 0 || stat("/proc/self/ns/pid", &own_ns) < 0)
		return -1;
	/* A state file that wrongly claims a pid namespace of its own must never
	 * turn this sweep on every process of ours. */
	if (init_ns.st_ino == own_ns.st_ino && init_ns.st_dev == own_ns.st_dev) {
		errno = EPERM;
		return -1;
	}
	d = opendir("/proc");
	if (!d)
		return -1;
	for (struct dirent *de; (de = readdir(d));) {
		struct stat ns;
		pid_t p = (pid_t)atoi(de->d_name);

		if (p <= 0 || p == init)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", p);
		if (stat(path, &ns) == 0 && ns.st_ino == init_ns.st_ino && ns.st_dev == init_ns.st_dev)
			kill(p, sig);
	}
	return 0;
}

int container_signal(const struct berth_state *st, int sig, bool all, berr_t *err)
{
	_cleanup_close_ int pfd = -1;

	if (st->status == BERTH_STOPPED || st->status == BERTH_CREATING)
		return berr_fail(err, "container \"%s\" is not running", st->id);
	pfd = container_pidfd(st, err);
	if (pfd < 0)
		return -1;
	if (all && st->own_pidns)
		signal_pidns(st->pid, sig);
	if (syscall(SYS_pidfd_send_signal, pfd, sig, NULL, 0) < 0)
		return berr_errno(err, "kill %d", st->pid);
	return 0;
}

int berth_kill(const struct berth_runtime *rt, const char *id, int sig, bool all, berr_t *err)
{
	struct container c;
	struct cgroup *cg = NULL;
	int ret;

	ret = container_open(rt, id, &c, err);
	/* --all: the cgroup knows every process, the init included, even without
	 * a pid namespace; signalling the init again could find it reaped */
	if (ret == 0 && all && c.st.status != BERTH_STOPPED && c.st.status != BERTH_CREATING)
		ret = container_cgroup(rt, &c, &cg, err);
	if (ret == 0 && cg)
		ret = cgroup_kill(cg, sig, err);
	else if (ret == 0)
		ret = container_signal(&c.st, sig, all, err);
	cgroup_free(cg);
	container_clear(&c);
	return ret;
}

static int wait_pidfd(int pfd, int timeout_ms)
{
	struct pollfd p = { .fd = pfd, .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	return r;
}

int container_force_stop(const struct berth_state *st, berr_t *err)
{
	_cleanup_close_ int pfd = -1;
	_cleanup_berr_ berr_t e = NULL;

	pfd = container_pidfd(st, &e);
	if (pfd < 0)
		return 0; /* already gone */
	if (st->own_pidns)
		signal_pidns(st->pid, SIGKILL);
	syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0);
	if (wait_pidfd(pfd, 10000) <= 0)
		return berr_set(err, ETIMEDOUT, "container \"%s\" did not die after SIGKILL", st->id);
	return 0;
}
