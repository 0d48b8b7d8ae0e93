/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container's init: the child cloned by the runtime, already in its new
 * namespaces.  It builds the container around itself, tells the runtime it
 * is created, waits for `start` on a listening socket, and execs the user's
 * process.  Every failure goes back to whoever waits (create or start) as one
 * error message, then the child _exit()s.
 *
 * The init must never reach back into the host: it runs non-dumpable until
 * execve (so the container cannot open /proc/PID/exe or its fds), every fd of
 * ours is O_CLOEXEC, the cwd is reset inside the rootfs, and fds from our
 * caller beyond --preserve-fds are marked close-on-exec.
 */
#include "container.h"
#include "cgroup.h"
#include "berth-seccomp.h"
#include "lsm.h"
#include "mounts.h"
#include "hooks.h"
#include "personality.h"
#include "process.h"
#include "rootfs.h"
#include "sync.h"
#include "sysctl.h"
#include "terminal.h"
#include "../util/cleanup.h"

#include <fcntl.h>
#include <jansson.h>
#include <sched.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

static int init_wait(const struct init_ctx *c, enum sync_type type, berr_t *err)
{
	struct sync_msg m;

	if (sync_expect(c->sync_fd, type, &m, err) < 0)
		return -1;
	sync_msg_clear(&m);
	return 0;
}

/* A new user namespace is of no use until the runtime has written its maps. */
static int init_userns(const struct init_ctx *c, berr_t *err)
{
	if (!ns_new_userns(c->spec) || c->userns_ready)
		return 0;
	if (init_wait(c, SYNC_MAPPED, err) < 0)
		return -1;
	/* become the mapped root; without a mapping for 0, stay as we are */
	if (setresgid(0, 0, 0) < 0 && errno != EINVAL)
		return berr_errno(err, "setresgid 0 in user namespace");
	if (setresuid(0, 0, 0) < 0 && errno != EINVAL)
		return berr_errno(err, "setresuid 0 in user namespace");
	return 0;
}

/*
 * Moving a task between v1 cgroups waits for an RCU grace period, often the
 * longest step of create.  So the init builds its mounts meanwhile and waits
 * as late as it can: at the first cgroup mount, which shows the init's own
 * cgroup (its paths are read here, before a cgroup namespace hides them), or
 * else once the mounts are done, before anything forks or allocates for the
 * container (hooks, the process).  A new cgroup namespace is unshared only
 * then: it, and a cgroup2 mount inside it, is rooted where the init is.
 */
struct cgroup_step {
	const struct init_ctx *c;
	bool done;
};

static int init_cgroup(void *arg, berr_t *err)
{
	struct cgroup_step *step = arg;
	const struct spec *s = step->c->spec;
	bool cgns = ns_new_cgroupns(s);

	if (step->done)
		return 0;
	step->done = true;
	if (init_wait(step->c, SYNC_CGROUP, err) < 0)
		return -1;
	if (rootfs_has_cgroup_mount(s) && mounts_capture_cgroups(cgns, err) < 0)
		return -1;
	if (cgns && unshare(CLONE_NEWCGROUP) < 0)
		return berr_errno(err, "create cgroup namespace");
	return 0;
}

/*
 * Hooks run in the container's namespaces get the pid as the container sees
 * it (runtime-spec, state: "pid"), which only the init knows.
 */
static char *state_as_seen_inside(const char *state_json)
{
	json_t *o = json_loads(state_json ? state_json : "{}", 0, NULL);
	char *text;

	if (!o)
		return NULL;
	json_object_set_new(o, "pid", json_integer(getpid()));
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return text;
}

static int run_inner_hooks(const struct spec *s, enum spec_hook_kind k, const char *state_json,
			   berr_t *err)
{
	_cleanup_free_ char *state = NULL;

	if (!s->hooks[k].n)
		return 0;
	state = state_as_seen_inside(state_json);
	if (!state)
		return berr_set(err, ENOMEM, "%s hooks", spec_hook_name(k));
	return hooks_run(s, k, state, err);
}

static int init_uts(const struct spec *s, berr_t *err)
{
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		return berr_errno(err, "sethostname %s", s->hostname);
	if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
		return berr_errno(err, "setdomainname %s", s->domainname);
	return 0;
}

static int init_keyring(const struct init_ctx *c, berr_t *err)
{
	long r;

	if (c->no_new_keyring)
		return 0;
	/* a fresh session keyring, so the container sees none of the host's keys */
	r = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, c->id);
	if (r < 0 && errno != ENOSYS && errno != EPERM && errno != EACCES)
		return berr_errno(err, "join session keyring");
	return 0;
}

/* Until start: created, waiting.  Returns the connection to the starter. */
static int wait_for_start(const struct init_ctx *c, struct sync_msg *m, berr_t *err)
{
	int conn;

	do
		conn = accept4(c->start_fd, NULL, NULL, SOCK_CLOEXEC);
	while (conn < 0 && errno == EINTR);
	if (conn < 0)
		return berr_errno(err, "wait for start");
	close(c->start_fd);
	if (sync_expect(conn, SYNC_START, m, err) < 0) {
		close(conn);
		return -1;
	}
	return conn;
}

static void reset_signals(void)
{
	sigset_t all;
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	sigfillset(&all);
	sigprocmask(SIG_UNBLOCK, &all, NULL);
}

/*
 * A command that is missing or not executable fails create, as with runc and
 * crun, not start: podman and containerd read create's error (podman maps
 * "no such file or directory" to exit 127, "permission denied" to 126).
 * start resolves it again, since a startContainer hook may still change it.
 */
static int init_check_exec(const struct spec_process *p, berr_t *err)
{
	char path[PATH_MAX];
	struct stat st;

	if (process_prepare_exec(p, path, err) < 0)
		return -1;
	if (stat(path, &st) < 0)
		return berr_errno(err, "exec %s", p->args[0]);
	if (S_ISDIR(st.st_mode) || !(st.st_mode & 0111))
		return berr_set(err, EACCES, "exec %s", p->args[0]);
	return 0;
}

static int init_prepare(const struct init_ctx *c, berr_t *err)
{
	const struct spec *s = c->spec;
	struct cgroup_step cg_step = { .c = c };
	struct sync_msg m;

	if (init_userns(c, err) < 0 || ns_join_paths(s, err) < 0)
		return -1;
	if (init_keyring(c, err) < 0)
		return -1;
	/* relative mount sources are relative to the bundle, as with runc */
	if (chdir(c->bundle) < 0)
		return berr_errno(err, "chdir %s", c->bundle);
	if (rootfs_prepare(s, c->rootfs, init_cgroup, &cg_step, err) < 0)
		return -1;
	if (init_uts(s, err) < 0 || init_cgroup(&cg_step, err) < 0)
		return -1;

	/* prestart + createRuntime run in the runtime's namespaces */
	if (sync_send(c->sync_fd, SYNC_HOOKS_RUNTIME, NULL, err) < 0 ||
	    sync_expect(c->sync_fd, SYNC_HOOKS_DONE, &m, err) < 0)
		return -1;
	/* createContainer: container namespaces, before pivot_root */
	if (run_inner_hooks(s, SPEC_HOOK_CREATE_CONTAINER, m.payload, err) < 0) {
		sync_msg_clear(&m);
		return -1;
	}
	sync_msg_clear(&m);

	if (rootfs_pivot(s, c->rootfs, c->no_pivot, err) < 0 || sysctl_apply(s, err) < 0 ||
	    rootfs_finalize(s, err) < 0)
		return -1;
	if (s->process && s->process->terminal && c->console_fd >= 0) {
		if (terminal_setup(c->console_fd, s->process, true, err) < 0)
			return -1;
		close(c->console_fd);
	}
	if (s->process && (process_setup_early(s->process, err) < 0 ||
			   init_check_exec(s->process, err) < 0))
		return -1;
	if (c->personality != PERSONALITY_NONE && personality(c->personality) < 0)
		return berr_errno(err, "personality");
	return 0;
}

static _Noreturn void init_start(const struct init_ctx *c)
{
	const struct spec *s = c->spec;
	_cleanup_berr_ berr_t err = NULL;
	char path[PATH_MAX];
	struct sync_msg m;
	int conn;

	conn = wait_for_start(c, &m, &err);
	if (conn < 0)
		_exit(1);
	if (!s->process) {
		berr_fail(&err, "config has no process to start");
		goto fail;
	}
	if (run_inner_hooks(s, SPEC_HOOK_START_CONTAINER, m.payload, &err) < 0) {
		/* start then destroys the container and runs poststop (the spec's step 12) */
		berr_t e2 = NULL;

		sync_send(conn, SYNC_START_HOOK_FAILED, err->msg, &e2);
		_exit(127);
	}
	sync_msg_clear(&m);
	if (process_prepare_exec(s->process, path, &err) < 0 ||
	    container_confine(s->process, c->seccomp, &err) < 0)
		goto fail;
	/* --preserve-fds: hand 3 .. 3+N-1 over as they are, even if marked CLOEXEC */
	for (unsigned int fd = 3; fd < 3 + c->preserve_fds; fd++)
		fcntl((int)fd, F_SETFD, 0);
	reset_signals();
	process_exec_path(s->process, path, &err);
fail:
	sync_send_error(conn, err);
	_exit(127);
}

int container_confine(const struct spec_process *p, struct berth_seccomp *sc, berr_t *err)
{
	if (!p->no_new_privileges && sc && seccomp_install(sc, err) < 0)
		return -1;
	if (process_set_identity(p, err) < 0)
		return -1;
	/* before the late filter: writing the label needs open and write */
	if (lsm_set_exec_label(p, "/proc", err) < 0)
		return -1;
	if (p->no_new_privileges && sc && seccomp_install(sc, err) < 0)
		return -1;
	return 0;
}

_Noreturn void container_init(const struct init_ctx *c)
{
	_cleanup_berr_ berr_t err = NULL;

	/*
	 * Nothing in the container may open our /proc/PID/{exe,fd,mem}.  In a new
	 * user namespace a non-dumpable process could not write its own /proc
	 * files (they would belong to the host's root); there the sealed binary
	 * copy is the defence.
	 */
	if (!ns_new_userns(c->spec))
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* fds our caller leaked to us must not reach the container */
	syscall(SYS_close_range, 3 + c->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC);

	if (init_prepare(c, &err) < 0) {
		sync_send_error(c->sync_fd, err);
		_exit(1);
	}
	if (sync_send(c->sync_fd, SYNC_CREATED, NULL, &err) < 0)
		_exit(1);
	close(c->sync_fd);
	init_start(c);
}

/*
 * The re-exec.  The runtime itself stays on the host's binary (so it never
 * pays for a second exec on the critical path); the init is the process that
 * lives in the container, so it alone moves onto the sealed copy, while the
 * runtime meanwhile sets up the cgroup.  Its state comes back as SYNC_INIT.
 */
_Noreturn void container_init_entry(const struct init_ctx *c)
{
	_cleanup_berr_ berr_t err = NULL;
	char env[64];
	char *argv[] = { "berth-runtime", "init", NULL };
	char *envp[] = { env, NULL };
	const int fds[] = { c->sync_fd, c->start_fd, c->console_fd };

	if (c->exe_fd < 0)
		container_init(c);
	/* exec drops every capability of a process without a uid in its user
	 * namespace: be the mapped root first */
	if (init_userns(c, &err) < 0) {
		sync_send_error(c->sync_fd, err);
		_exit(1);
	}
	/* these three cross the exec; berth_init_main() marks them CLOEXEC again */
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (fds[i] >= 0)
			fcntl(fds[i], F_SETFD, 0);
	snprintf(env, sizeof(env), "%s=%d,%d,%d,%d", BERTH_INIT_ENV, c->sync_fd, c->start_fd,
		 c->console_fd, ns_new_userns(c->spec));
	syscall(SYS_execveat, c->exe_fd, "", argv, envp, AT_EMPTY_PATH);
	berr_errno(&err, "re-exec the sealed runtime binary");
	sync_send_error(c->sync_fd, err);
	_exit(1);
}

char *container_init_state(const struct init_ctx *c, const char *config_text)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:b, s:b, s:I, s:b}", "config", config_text,
			      "id", c->id, "rootfs", c->rootfs, "bundle", c->bundle, "preserve_fds",
			      (json_int_t)c->preserve_fds, "no_pivot", c->no_pivot, "no_new_keyring",
			      c->no_new_keyring, "personality", (json_int_t)c->personality,
			      "mount_label", c->spec->linux.mount_label != NULL);
	char *text;

	if (!o)
		return NULL;
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return text;
}

static int init_from_state(struct init_ctx *c, const char *text, struct spec **spec,
			   json_t **doc, berr_t *err)
{
	const char *config;

	*doc = json_loads(text, 0, NULL);
	config = json_string_value(json_object_get(*doc, "config"));
	if (!config)
		return berr_fail(err, "init: bad SYNC_INIT message");
	if (spec_parse(config, strlen(config), spec, err) < 0)
		return -1;
	/* the runtime may have dropped it (no SELinux): same decision here */
	if (!json_is_true(json_object_get(*doc, "mount_label")))
		(*spec)->linux.mount_label = NULL;
	c->spec = *spec;
	c->id = json_string_value(json_object_get(*doc, "id"));
	c->rootfs = json_string_value(json_object_get(*doc, "rootfs"));
	c->bundle = json_string_value(json_object_get(*doc, "bundle"));
	c->preserve_fds = (unsigned int)json_integer_value(json_object_get(*doc, "preserve_fds"));
	c->no_pivot = json_is_true(json_object_get(*doc, "no_pivot"));
	c->no_new_keyring = json_is_true(json_object_get(*doc, "no_new_keyring"));
	c->personality = (unsigned long)json_integer_value(json_object_get(*doc, "personality"));
	if (!c->id || !c->rootfs || !c->bundle)
		return berr_fail(err, "init: bad SYNC_INIT message");
	return seccomp_compile((*spec)->linux.seccomp, &c->seccomp, err);
}

int berth_init_main(void)
{
	struct init_ctx c = { .exe_fd = -1 };
	_cleanup_berr_ berr_t err = NULL;
	const char *env = getenv(BERTH_INIT_ENV);
	struct spec *spec = NULL;
	json_t *doc = NULL;
	struct sync_msg m;

	int userns_ready;

	if (!env ||
	    sscanf(env, "%d,%d,%d,%d", &c.sync_fd, &c.start_fd, &c.console_fd, &userns_ready) != 4 ||
	    c.sync_fd < 0 || c.start_fd < 0)
		return 1;
	c.userns_ready = userns_ready;
	unsetenv(BERTH_INIT_ENV);
	fcntl(c.sync_fd, F_SETFD, FD_CLOEXEC);
	fcntl(c.start_fd, F_SETFD, FD_CLOEXEC);
	if (c.console_fd >= 0)
		fcntl(c.console_fd, F_SETFD, FD_CLOEXEC);
	if (sync_expect(c.sync_fd, SYNC_INIT, &m, &err) < 0 ||
	    init_from_state(&c, m.payload, &spec, &doc, &err) < 0) {
		sync_send_error(c.sync_fd, err);
		_exit(1);
	}
	sync_msg_clear(&m);
	container_init(&c);
}
