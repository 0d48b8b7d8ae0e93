/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exec: a new process in a running container.
 *
 * It joins every namespace the init is in (those that differ from ours) in
 * one setns() on the init's pidfd, and gets the same confinement as the
 * init: capabilities never beyond the container's bounding set,
 * no_new_privs if the container has it, the container's seccomp profile and
 * LSM labels.  A pid namespace applies to children only, so the runtime
 * joins it (and the time namespace) itself before forking the process.
 */
#include "container.h"
#include "berth-seccomp.h"
#include "cgroup.h"
#include "lsm.h"
#include "process.h"
#include "sync.h"
#include "terminal.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct exec_proc {
	struct spec *doc;            /* --process document, or NULL */
	struct spec_process p;       /* what is exec'd */
	char **env;                  /* allocated env (merged), or NULL */
};

static void exec_proc_clear(struct exec_proc *e)
{
	spec_free(e->doc);
	if (e->env) {
		for (char **v = e->env; *v; v++)
			free(*v);
		free(e->env);
	}
	memset(e, 0, sizeof(*e));
}

/* -e K=V replaces K in the container's env, or is appended. */
static int merge_env(char **base, char **extra, char ***out, berr_t *err)
{
	size_t nb = 0, ne = 0, n = 0;
	char **v;

	for (char **p = base; p && *p; p++)
		nb++;
	for (char **p = extra; p && *p; p++)
		ne++;
	v = calloc(nb + ne + 1, sizeof(*v));
	if (!v)
		return berr_errno(err, "env");
	*out = v;
	for (char **p = base; p && *p; p++) {
		size_t klen = strcspn(*p, "=");
		bool replaced = false;

		for (char **q = extra; q && *q; q++)
			if (!strncmp(*q, *p, klen) && (*q)[klen] == '=')
				replaced = true;
		if (!replaced && !(v[n++] = strdup(*p)))
			return berr_errno(err, "env");
	}
	for (char **q = extra; q && *q; q++) {
		if (!strchr(*q, '='))
			return berr_fail(err, "-e %s: must be KEY=VALUE", *q);
		if (!(v[n++] = strdup(*q)))
			return berr_errno(err, "env");
	}
	return 0;
}

static int add_caps(struct spec_process *p, char **caps, berr_t *err)
{
	for (char **c = caps; c && *c; c++) {
		char name[64];
		int n;

		snprintf(name, sizeof(name), "%s%s", strncasecmp(*c, "CAP_", 4) ? "CAP_" : "", *c);
		for (char *q = name; *q; q++)
			*q = (char)(*q >= 'a' && *q <= 'z' ? *q - 32 : *q);
		n = spec_cap_from_name(name);
		if (n < 0)
			return berr_fail(err, "--cap: unknown capability \"%s\"", *c);
		p->caps[SPEC_CAP_BOUNDING] |= 1ULL << n;
		p->caps[SPEC_CAP_EFFECTIVE] |= 1ULL << n;
		p->caps[SPEC_CAP_PERMITTED] |= 1ULL << n;
	}
	p->has_caps = true;
	return 0;
}

/* The process to run: --process as given, or the container's with the flags on top. */
static int build_process(const struct berth_exec_opts *o, const struct spec *cs,
			 struct exec_proc *e, berr_t *err)
{
	const struct spec_process *base = cs->process;

	if (o->process_path) {
		_cleanup_free_ char *text = NULL;
		size_t len;

		if (read_file_at(AT_FDCWD, o->process_path, 4 << 20, &text, &len, err) < 0)
			return -1;
		if (spec_parse_process(text, len, &e->doc, err) < 0)
			return berr_prefix(err, "%s", o->process_path);
		e->p = *e->doc->process;
	} else {
		if (!o->args || !o->args[0])
			return berr_fail(err, "no command given");
		if (base)
			e->p = *base;
		else
			e->p = (struct spec_process){ .cwd = "/" };
		e->p.args = o->args;
		e->p.terminal = o->tty;
		e->p.has_console_size = false;
		if (merge_env(base ? base->env : NULL, o->env, &e->env, err) < 0)
			return -1;
		e->p.env = e->env;
		if (o->cwd)
			e->p.cwd = o->cwd;
		if (o->has_user) {
			e->p.uid = o->uid;
			e->p.gid = o->gid;
		}
		if (add_caps(&e->p, o->caps, err) < 0)
			return -1;
		if (o->no_new_privs)
			e->p.no_new_privileges = true;
		if (o->apparmor)
			e->p.apparmor_profile = o->apparmor;
		if (o->process_label)
			e->p.selinux_label = o->process_label;
	}
	if (e->p.cwd[0] != '/')
		return berr_fail(err, "cwd \"%s\": must be an absolute path", e->p.cwd);
	/* never less confined than the init */
	if (base) {
		for (int i = 0; i < SPEC_CAP_SET_COUNT; i++)
			e->p.caps[i] &= base->caps[SPEC_CAP_BOUNDING];
		e->p.no_new_privileges |= base->no_new_privileges;
		if (!e->p.apparmor_profile)
			e->p.apparmor_profile = base->apparmor_profile;
		if (!e->p.selinux_label)
			e->p.selinux_label = base->selinux_label;
	}
	if (lsm_check(&e->p, NULL, "/proc", "/sys", err) < 0)
		return -1;
	if (e->p.terminal && !o->console_socket && o->detach)
		return berr_fail(err, "a terminal with --detach needs --console-socket");
	if (!e->p.terminal && o->console_socket)
		return berr_fail(err, "--console-socket given but no terminal requested (-t)");
	return 0;
}

static const struct {
	const char *name;
	int flag;
} ns_files[] = {
	{ "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS },   { "pid", CLONE_NEWPID },
	{ "net", CLONE_NEWNET },   { "ipc", CLONE_NEWIPC },  { "uts", CLONE_NEWUTS },
	{ "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

/* The namespaces of pid that are not ours. */
static int ns_differing(pid_t pid)
{
	int flags = 0;

	for (size_t i = 0; i < ARRAY_SIZE(ns_files); i++) {
		char a[64], b[64];
		struct stat sa, sb;

		snprintf(a, sizeof(a), "/proc/%d/ns/%s", pid, ns_files[i].name);
		snprintf(b, sizeof(b), "/proc/self/ns/%s", ns_files[i].name);
		if (stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
		    (sa.st_ino != sb.st_ino || sa.st_dev != sb.st_dev))
			flags |= ns_files[i].flag;
	}
	return flags;
}

struct exec_child {
	const struct exec_proc *e;
	struct berth_seccomp *seccomp;
	int pidfd;
	int ns_flags;
	int sync_fd;
	int console_fd;
	unsigned int preserve_fds;
	char *path;                  /* PATH_MAX buffer: the resolved executable */
};

static int child_setup(const struct exec_child *x, berr_t *err)
{
	const struct spec_process *p = &x->e->p;
	int flags = x->ns_flags & ~(CLONE_NEWPID | CLONE_NEWTIME);
	struct sync_msg m;

	/* in the container's cgroup before anything else happens */
	if (sync_expect(x->sync_fd, SYNC_GO, &m, err) < 0)
		return -1;
	sync_msg_clear(&m);
	if (flags && setns(x->pidfd, flags) < 0)
		return berr_errno(err, "join the container's namespaces");
	if (p->terminal && x->console_fd >= 0) {
		if (terminal_setup(x->console_fd, p, false, err) < 0)
			return -1;
		close(x->console_fd);
	}
	if (process_setup_early(p, err) < 0 || process_prepare_exec(p, x->path, err) < 0 ||
	    container_confine(p, x->seccomp, err) < 0)
		return -1;
	for (unsigned int fd = 3; fd < 3 + x->preserve_fds; fd++)
		fcntl((int)fd, F_SETFD, 0);
	return 0;
}

static _Noreturn void exec_child(const struct exec_child *x)
{
	char path[PATH_MAX];
	struct exec_child xc = *x;

	xc.path = path;
	x = &xc;
	_cleanup_berr_ berr_t err = NULL;
	sigset_t all;

	if (!(x->ns_flags & CLONE_NEWUSER))
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	syscall(SYS_close_range, 3 + x->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC);
	if (child_setup(x, &err) == 0) {
		sigfillset(&all);
		for (int sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		sigprocmask(SIG_UNBLOCK, &all, NULL);
		process_exec_path(&x->e->p, x->path, &err);
	}
	sync_send_error(x->sync_fd, err);
	_exit(127);
}

/* EOF on the sync socket: the process exec'd (the socket was O_CLOEXEC). */
static int wait_exec(int fd, pid_t pid, berr_t *err)
{
	struct sync_msg m;

	if (sync_recv(fd, &m, err) < 0) {
		if ((*err)->errnum == 0) {
			berr_free(err);
			return 0;
		}
		return -1;
	}
	if (m.type == SYNC_ERROR) {
		berr_fail(err, "%s", m.payload);
		(*err)->errnum = m.errnum;
	} else {
		berr_set(err, EPROTO, "unexpected message from exec'd process");
	}
	sync_msg_clear(&m);
	container_kill_and_reap(pid);
	return -1;
}

static int spawn(const struct exec_child *x, int parent_fd, pid_t *out, berr_t *err)
{
	_cleanup_close_ int self_pid = -1, self_time = -1;
	int for_children = x->ns_flags & (CLONE_NEWPID | CLONE_NEWTIME);
	pid_t pid;
	int ret = 0;

	/* pid and time namespaces apply to our children: join, fork, come back */
	if (for_children) {
		self_pid = open("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC);
		self_time = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
		if (setns(x->pidfd, for_children) < 0)
			return berr_errno(err, "join the container's pid namespace");
	}
	pid = (pid_t)syscall(SYS_clone, SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0) {
		close(parent_fd);
		exec_child(x);
	}
	if (pid < 0)
		ret = berr_errno(err, "fork");
	if (for_children) {
		if (self_pid >= 0)
			setns(self_pid, CLONE_NEWPID);
		if (self_time >= 0)
			setns(self_time, CLONE_NEWTIME);
	}
	*out = pid;
	return ret;
}

static int enter_cgroup(const struct berth_runtime *rt, const struct container *c, pid_t pid,
			int sync_fd, berr_t *err)
{
	struct cgroup *cg = NULL;
	int ret = container_cgroup(rt, c, &cg, err);

	if (ret == 0 && cg)
		ret = cgroup_enter(cg, pid, err);
	cgroup_free(cg);
	if (ret == 0)
		ret = sync_send(sync_fd, SYNC_GO, NULL, err);
	return ret;
}

static int exec_in(const struct berth_runtime *rt, struct container *c,
		   const struct berth_exec_opts *o, struct exec_proc *e, int *status, berr_t *err)
{
	_cleanup_close_ int pidfd = -1, console_fd = -1, own_tty = -1, master = -1;
	_cleanup_seccomp_ struct berth_seccomp *sc = NULL;
	int sp[2] = { -1, -1 };
	struct exec_child x;
	sigset_t all, old;
	pid_t pid = -1;
	int ret;

	pidfd = container_pidfd(&c->st, err);
	if (pidfd < 0)
		return -1;
	/* the container's profile, whatever --process says */
	if (seccomp_compile(c->spec->linux.seccomp, &sc, err) < 0)
		return -1;
	if (o->console_socket) {
		console_fd = terminal_connect_socket(o->console_socket, err);
		if (console_fd < 0)
			return -1;
	} else if (e->p.terminal) {
		int tp[2];

		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, tp) < 0)
			return berr_errno(err, "socketpair");
		own_tty = tp[0];
		console_fd = tp[1];
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return berr_errno(err, "socketpair");

	x = (struct exec_child){ .e = e, .pidfd = pidfd, .ns_flags = ns_differing(c->st.pid),
				 .sync_fd = sp[1], .console_fd = console_fd, .seccomp = sc,
				 .preserve_fds = o->preserve_fds };
	fg_block_signals(&all, &old);
	ret = spawn(&x, sp[0], &pid, err);
	close(sp[1]);
	closep(&console_fd);
	if (ret == 0)
		ret = enter_cgroup(rt, c, pid, sp[0], err);
	if (ret == 0 && own_tty >= 0)
		ret = terminal_recv_master(own_tty, &master, err);
	if (ret == 0)
		ret = wait_exec(sp[0], pid, err);
	close(sp[0]);
	if (ret == 0 && o->pid_file) {
		char buf[32];
		int n = snprintf(buf, sizeof(buf), "%d", pid);

		ret = write_file_atomic_at(AT_FDCWD, o->pid_file, buf, (size_t)n, 0644, err);
	}
	/* the exec may outlive us by hours: don't hold the container's lock */
	flock(c->dirfd, LOCK_UN);
	if (ret == 0 && !o->detach)
		ret = fg_wait(pid, &all, master, status, err);
	else if (ret < 0 && pid > 0)
		container_kill_and_reap(pid);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

int berth_exec(const struct berth_runtime *rt, const struct berth_exec_opts *o, int *status,
	       berr_t *err)
{
	struct container c;
	struct exec_proc e = { 0 };
	int ret;

	ret = container_open(rt, o->id, &c, err);
	if (ret == 0 && c.st.status != BERTH_RUNNING && c.st.status != BERTH_CREATED)
		ret = berr_fail(err, "cannot exec in a container that is %s",
				berth_status_name(c.st.status));
	if (ret == 0)
		ret = container_load_spec(c.dirfd, &c.spec, err);
	if (ret == 0)
		ret = build_process(o, c.spec, &e, err);
	if (ret == 0)
		ret = exec_in(rt, &c, o, &e, status, err);
	exec_proc_clear(&e);
	container_clear(&c);
	return ret;
}
