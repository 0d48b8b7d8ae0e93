/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Getting the init into its namespaces.
 *
 * Common case: one clone() with every new namespace flag; the child is pid 1
 * of its pid namespace and owns the rest through its new user namespace.
 *
 * A helper process is needed when the init's namespaces must be created from
 * inside another one first: joining a user or pid namespace by path (the new
 * namespaces must belong to the joined user namespace; a pid namespace only
 * applies to children), or a new time namespace (offsets must be written
 * before any process enters it).  The helper clones the init with
 * CLONE_PARENT so it is still our child, reports its pid and exits.
 */
#include "container.h"
#include "sync.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <sched.h>
#include <linux/sched.h>      /* struct clone_args, CLONE_INTO_CGROUP */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const int ns_flag[SPEC_NS_COUNT] = {
	[SPEC_NS_PID] = CLONE_NEWPID,
	[SPEC_NS_NET] = CLONE_NEWNET,
	[SPEC_NS_MNT] = CLONE_NEWNS,
	[SPEC_NS_IPC] = CLONE_NEWIPC,
	[SPEC_NS_UTS] = CLONE_NEWUTS,
	[SPEC_NS_USER] = CLONE_NEWUSER,
	[SPEC_NS_CGROUP] = CLONE_NEWCGROUP,
	[SPEC_NS_TIME] = CLONE_NEWTIME,
};

static bool ns_is_new(const struct spec *s, enum spec_ns t)
{
	return s->linux.ns[t].present && !s->linux.ns[t].path;
}

static bool ns_is_joined(const struct spec *s, enum spec_ns t)
{
	return s->linux.ns[t].present && s->linux.ns[t].path;
}

bool ns_new_userns(const struct spec *s)
{
	return ns_is_new(s, SPEC_NS_USER);
}

bool ns_new_cgroupns(const struct spec *s)
{
	return ns_is_new(s, SPEC_NS_CGROUP);
}

static unsigned long ns_clone_flags(const struct spec *s)
{
	unsigned long flags = 0;

	/* time: see run_helper(); cgroup: unshared by the init once it is in its cgroup */
	for (int t = 0; t < SPEC_NS_COUNT; t++)
		if (ns_is_new(s, t) && t != SPEC_NS_TIME && t != SPEC_NS_CGROUP)
			flags |= (unsigned long)ns_flag[t];
	return flags;
}

static int ns_setns_path(const struct spec *s, enum spec_ns t, berr_t *err)
{
	_cleanup_close_ int fd = -1;

	fd = open(s->linux.ns[t].path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return berr_errno(err, "open %s namespace %s", spec_ns_name(t), s->linux.ns[t].path);
	if (setns(fd, ns_flag[t]) < 0)
		return berr_errno(err, "join %s namespace %s", spec_ns_name(t), s->linux.ns[t].path);
	return 0;
}

int ns_join_paths(const struct spec *s, berr_t *err)
{
	/* mount last: the paths of the others are resolved in the runtime's view */
	static const enum spec_ns order[] = {
		SPEC_NS_IPC, SPEC_NS_UTS, SPEC_NS_NET, SPEC_NS_CGROUP, SPEC_NS_TIME, SPEC_NS_MNT,
	};

	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		if (!ns_is_joined(s, order[i]))
			continue;
		if (ns_setns_path(s, order[i], err) < 0)
			return -1;
	}
	return 0;
}

static int write_map(pid_t pid, const char *file, const struct spec_id_mapping *m, size_t n,
		     berr_t *err)
{
	char path[64], buf[4096];
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		int w = snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n", m[i].container_id,
				 m[i].host_id, m[i].size);
		if (w < 0 || (size_t)w >= sizeof(buf) - len)
			return berr_set(err, E2BIG, "write %s: too many mappings", file);
		len += (size_t)w;
	}
	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	/* the whole map in one write(2): the kernel accepts exactly one */
	return write_file_at(AT_FDCWD, path, buf, len, 0, err);
}

int ns_write_id_maps(pid_t pid, const struct spec *s, berr_t *err)
{
	/* Unprivileged writers must deny setgroups before writing gid_map. */
	if (geteuid() != 0) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/setgroups", pid);
		if (write_file_at(AT_FDCWD, path, "deny", 4, 0, err) < 0)
			return -1;
	}
	if (write_map(pid, "uid_map", s->linux.uid_mappings, s->linux.n_uid_mappings, err) < 0 ||
	    write_map(pid, "gid_map", s->linux.gid_mappings, s->linux.n_gid_mappings, err) < 0)
		return berr_prefix(err, "user namespace");
	return 0;
}

static int set_time_offsets(const struct spec *s, berr_t *err)
{
	char buf[128];
	int n = 0;

	if (!s->linux.has_time_offsets)
		return 0;
	n = snprintf(buf, sizeof(buf), "monotonic %lld %u\nboottime %lld %u\n",
		     (long long)s->linux.monotonic_secs, s->linux.monotonic_nanosecs,
		     (long long)s->linux.boottime_secs, s->linux.boottime_nanosecs);
	if (write_file_at(AT_FDCWD, "/proc/self/timens_offsets", buf, (size_t)n, 0, err) < 0)
		return berr_prefix(err, "linux.timeOffsets");
	return 0;
}

static pid_t clone_raw(unsigned long flags)
{
	/* fork semantics with namespace flags: no stack, the child returns 0 */
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

/* clone into a cgroup2 directory: no move afterwards, so no RCU wait */
static pid_t clone_into_cgroup(unsigned long flags, int cgroup_fd)
{
	struct clone_args args = {
		.flags = flags | CLONE_INTO_CGROUP,
		.exit_signal = SIGCHLD,
		.cgroup = (uint64_t)cgroup_fd,
	};

	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

static bool ns_needs_helper(const struct spec *s)
{
	return ns_is_joined(s, SPEC_NS_USER) || ns_is_joined(s, SPEC_NS_PID) ||
	       ns_is_new(s, SPEC_NS_TIME);
}

static _Noreturn void run_helper(const struct init_ctx *c, int parent_sync_fd)
{
	const struct spec *s = c->spec;
	_cleanup_berr_ berr_t err = NULL;
	char buf[32];
	pid_t pid;

	if (ns_is_joined(s, SPEC_NS_USER) && ns_setns_path(s, SPEC_NS_USER, &err) < 0)
		goto fail;
	if (ns_is_joined(s, SPEC_NS_PID) && ns_setns_path(s, SPEC_NS_PID, &err) < 0)
		goto fail;
	if (ns_is_new(s, SPEC_NS_TIME)) {
		if (unshare(CLONE_NEWTIME) < 0) {
			berr_errno(&err, "create time namespace");
			goto fail;
		}
		if (set_time_offsets(s, &err) < 0)
			goto fail;
	}
	pid = clone_raw(ns_clone_flags(s) | CLONE_PARENT);
	if (pid < 0) {
		berr_errno(&err, "clone");
		goto fail;
	}
	if (pid == 0) {
		close(parent_sync_fd);
		container_init_entry(c);
	}
	snprintf(buf, sizeof(buf), "%d", pid);
	if (sync_send(c->sync_fd, SYNC_PID, buf, &err) < 0)
		_exit(1);
	_exit(0);
fail:
	sync_send_error(c->sync_fd, err);
	_exit(1);
}

pid_t ns_spawn_init(const struct init_ctx *c, int parent_sync_fd, bool *in_cgroup, berr_t *err)
{
	struct sync_msg m;
	pid_t pid, helper;
	int status;

	*in_cgroup = false;
	if (!ns_needs_helper(c->spec)) {
		pid = -1;
		/* an old kernel, or a cgroup it refuses: clone, and the runtime moves it */
		if (c->cgroup_fd >= 0) {
			pid = clone_into_cgroup(ns_clone_flags(c->spec), c->cgroup_fd);
			*in_cgroup = pid >= 0;
		}
		if (pid < 0)
			pid = clone_raw(ns_clone_flags(c->spec));
		if (pid < 0)
			return berr_errno(err, "clone");
		if (pid == 0) {
			close(parent_sync_fd);
			container_init_entry(c);
		}
		return pid;
	}

	helper = clone_raw(0);
	if (helper < 0)
		return berr_errno(err, "fork");
	if (helper == 0) {
		close(parent_sync_fd);
		run_helper(c, parent_sync_fd);
	}
	if (sync_expect(parent_sync_fd, SYNC_PID, &m, err) < 0) {
		waitpid(helper, &status, 0);
		return -1;
	}
	pid = (pid_t)atoi(m.payload);
	sync_msg_clear(&m);
	waitpid(helper, &status, 0);
	return pid;
}
