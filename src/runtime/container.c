/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container lifecycle seen from the runtime: create, start, run, kill,
 * delete.  The init side lives in container-init.c.
 *
 *   create: parse and check everything -> state dir -> clone the init ->
 *           (maps, hooks) -> init says "created" -> state.json, pid file
 *   start:  connect to the init's start.sock, unlink it -> init execs
 *   delete: SIGKILL if forced -> poststop hooks -> remove the state dir
 *
 * Whatever fails during create is undone: the init is killed (its mounts go
 * with its mount namespace) and the state directory removed.
 */
#include "container.h"
#include "berth-seccomp.h"
#include "cgroup.h"
#include "lsm.h"
#include "personality.h"
#include "rootfs.h"
#include "hooks.h"
#include "sync.h"
#include "terminal.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

void container_cgroup_opts(const struct berth_runtime *rt, struct cgroup_opts *o)
{
	*o = (struct cgroup_opts){
		.fs_root = "/sys/fs/cgroup",
		.manager = rt->cgroup_manager ? rt->cgroup_manager
					      : rt->systemd_cgroup ? "systemd" : "cgroupfs",
		.systemd_path = rt->systemd_cgroup,
	};
}

/* The container's cgroup from its state; NULL (and 0) when it has none. */
int container_cgroup(const struct berth_runtime *rt, const struct container *c,
		     struct cgroup **cg, berr_t *err)
{
	struct cgroup_opts o;

	*cg = NULL;
	if (!c->st.cgroup)
		return 0;
	container_cgroup_opts(rt, &o);
	return cgroup_load(&o, c->st.cgroup, cg, err);
}

void container_clear(struct container *c)
{
	spec_free(c->spec);
	free(c->config_text);
	berth_state_clear(&c->st);
	if (c->rootfd >= 0)
		close(c->rootfd);
	if (c->dirfd >= 0)
		close(c->dirfd);
	memset(c, 0, sizeof(*c));
	c->rootfd = c->dirfd = -1;
}

/* Bundle, config and rootfs, all checked before anything is created. */
static int load_bundle(const struct berth_create_opts *o, struct container *c, berr_t *err)
{
	char path[PATH_MAX], *bundle, *rootfs;
	struct stat sb;

	bundle = realpath(o->bundle ? o->bundle : ".", NULL);
	if (!bundle)
		return berr_errno(err, "bundle %s", o->bundle ? o->bundle : ".");
	c->st.bundle = bundle;
	if (o->config_path)
		snprintf(path, sizeof(path), "%s", o->config_path);
	else if (snprintf(path, sizeof(path), "%s/config.json", bundle) >= (int)sizeof(path))
		return berr_set(err, ENAMETOOLONG, "bundle %s", bundle);
	if (read_file_at(AT_FDCWD, path, 16 << 20, &c->config_text, &c->config_len, err) < 0)
		return -1;
	if (spec_parse(c->config_text, c->config_len, &c->spec, err) < 0)
		return berr_prefix(err, "%s", o->config_path ? o->config_path : "config.json");

	if (c->spec->root_path[0] == '/')
		snprintf(path, sizeof(path), "%s", c->spec->root_path);
	else if (snprintf(path, sizeof(path), "%s/%s", bundle, c->spec->root_path) >=
		 (int)sizeof(path))
		return berr_set(err, ENAMETOOLONG, "root.path");
	rootfs = realpath(path, NULL);
	if (!rootfs)
		return berr_errno(err, "root.path %s", path);
	c->st.rootfs = rootfs;
	if (stat(rootfs, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return berr_set(err, ENOTDIR, "root.path %s", rootfs);
	return 0;
}

static int check_terminal(const struct berth_create_opts *o, const struct spec *s,
			  bool own_console, berr_t *err)
{
	bool tty = s->process && s->process->terminal;

	if (tty && !o->console_socket && !own_console)
		return berr_fail(err, "process.terminal is true: --console-socket is required");
	if (!tty && o->console_socket)
		return berr_fail(err, "--console-socket given but process.terminal is false");
	return 0;
}

static int check_preserve_fds(unsigned int n, berr_t *err)
{
	for (unsigned int fd = 3; fd < 3 + n; fd++)
		if (fcntl((int)fd, F_GETFD) < 0)
			return berr_set(err, EBADF, "--preserve-fds: fd %u is not open", fd);
	return 0;
}

/* A unix socket path short enough for sun_path, through our dirfd. */
static void dir_sock_path(struct sockaddr_un *sa, int dirfd, const char *name)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", dirfd, name);
}

static int start_socket_listen(int dirfd, berr_t *err)
{
	struct sockaddr_un sa;
	_cleanup_close_ int fd = -1;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return berr_errno(err, "socket");
	dir_sock_path(&sa, dirfd, START_SOCK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0)
		return berr_errno(err, "bind %s", START_SOCK);
	return steal_fd(fd);
}

char *container_hook_state(const struct berth_state *st, const char *status)
{
	/* a stopped container has no process: pid 0, as `state` shows it */
	pid_t pid = strcmp(status, "stopped") ? st->pid : 0;
	json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:s}", "ociVersion", BERTH_OCI_VERSION, "id",
			      st->id, "status", status, "pid", pid, "bundle", st->bundle);
	char *text;

	if (!o)
		return NULL;
	if (st->annotations_json) {
		json_t *a = json_loads(st->annotations_json, 0, NULL);
		if (a)
			json_object_set_new(o, "annotations", a);
	}
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return text;
}

static int write_pid_file(const char *path, pid_t pid, berr_t *err)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", pid);

	/* tmp + rename: readers (conmon, shim) never see a half-written pid */
	return write_file_atomic_at(AT_FDCWD, path, buf, (size_t)n, 0644, err);
}

static int run_runtime_hooks(int sync_fd, const struct spec *s, const struct berth_state *st,
			     berr_t *err)
{
	/* runtime-tools checks "created" here, though create has not returned yet */
	_cleanup_free_ char *state = container_hook_state(st, "created");

	if (!state)
		return berr_set(err, ENOMEM, "hooks");
	if (hooks_run(s, SPEC_HOOK_PRESTART, state, err) < 0 ||
	    hooks_run(s, SPEC_HOOK_CREATE_RUNTIME, state, err) < 0)
		return -1;
	return sync_send(sync_fd, SYNC_HOOKS_DONE, state, err);
}

/* Talk to the init until it says "created". */
static int drive_init(int sync_fd, struct container *c, berr_t *err)
{
	for (;;) {
		struct sync_msg m;
		int ret;

		ret = sync_recv(sync_fd, &m, err);
		if (ret < 0) {
			if ((*err)->errnum == 0)
				return berr_fail(err, "container init exited during setup");
			return ret;
		}
		switch (m.type) {
		case SYNC_HOOKS_RUNTIME:
			sync_msg_clear(&m);
			if (run_runtime_hooks(sync_fd, c->spec, &c->st, err) < 0)
				return -1;
			break;
		case SYNC_CREATED:
			sync_msg_clear(&m);
			return 0;
		case SYNC_ERROR:
			berr_fail(err, "%s", m.payload);
			(*err)->errnum = m.errnum;
			sync_msg_clear(&m);
			return -1;
		default:
			sync_msg_clear(&m);
			return berr_set(err, EPROTO, "unexpected message from init");
		}
	}
}

static char *annotations_text(const struct spec *s)
{
	return s->annotations && json_object_size(s->annotations)
		       ? json_dumps(s->annotations, JSON_COMPACT)
		       : NULL;
}

void container_kill_and_reap(pid_t pid)
{
	int status;

	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

/*
 * The init may fail while we were busy (it mounts while we set up its
 * cgroup): then our error is a symptom (EPIPE, ESRCH) and the init's own
 * message, already queued on the socket, is the one to report.
 */
static void prefer_init_error(int fd, berr_t *err)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct sync_msg m;
	berr_t e = NULL;

	if (poll(&p, 1, 0) <= 0 || sync_recv(fd, &m, &e) < 0) {
		berr_free(&e);
		return;
	}
	if (m.type == SYNC_ERROR) {
		berr_fail(err, "%s", m.payload);
		(*err)->errnum = m.errnum;
	}
	sync_msg_clear(&m);
}

/* Before any cgroup directory exists, state.json names them all. */
int container_save_planned_cgroup(const struct cgroup *cg, void *arg, berr_t *err)
{
	struct container *c = arg;

	free(c->st.cgroup);
	c->st.cgroup = cgroup_serialize(cg);
	if (!c->st.cgroup)
		return berr_set(err, ENOMEM, "cgroup");
	return state_save(c->dirfd, &c->st, err);
}

/*
 * Everything create does; on success the init waits for start.  console_fd,
 * if >= 0, is where the pty master goes instead of --console-socket (run's
 * own terminal); it is consumed.
 */
int container_create(const struct berth_runtime *rt, const struct berth_create_opts *o,
		     int console_fd, struct container *c, berr_t *err)
{
	int sp[2] = { -1, -1 };
	_cleanup_close_ int start_fd = -1;
	struct cgroup_opts cgo;
	struct cgroup *cg = NULL;
	struct berth_seccomp *sc = NULL;
	struct init_ctx ictx;
	unsigned long persona;
	bool reexec, in_cgroup = false;
	pid_t pid = -1;

	c->rootfd = c->dirfd = -1;
	container_cgroup_opts(rt, &cgo);
	if (berth_id_validate(o->id, err) < 0 || load_bundle(o, c, err) < 0)
		goto fail_early;
	/*
	 * A mountLabel on a host without SELinux is dropped (crun does the same;
	 * runc fails the first mount with EINVAL).  A process label is not: its
	 * absence would weaken the container.
	 */
	if (c->spec->linux.mount_label && !lsm_selinux_enabled("/proc")) {
		berth_log_debug("linux.mountLabel ignored: SELinux is not enabled");
		c->spec->linux.mount_label = NULL;
	}
	if (check_terminal(o, c->spec, console_fd >= 0, err) < 0 ||
	    check_preserve_fds(o->preserve_fds, err) < 0 || cgroup_validate(&cgo, c->spec, err) < 0 ||
	    personality_parse(c->spec->linux.personality, &persona, err) < 0 ||
	    intel_rdt_check(c->spec->linux.intel_rdt, err) < 0 ||
	    seccomp_compile(c->spec->linux.seccomp, &sc, err) < 0 ||
	    (c->spec->process &&
	     lsm_check(c->spec->process, c->spec->linux.mount_label, "/proc", "/sys", err) < 0))
		goto fail_early;

	c->rootfd = state_root_open(rt, true, err);
	if (c->rootfd < 0)
		goto fail_early;
	c->dirfd = state_dir_create(c->rootfd, o->id, err);
	if (c->dirfd < 0)
		goto fail_early;

	/* from here on, failure must leave nothing behind */
	if (o->console_socket) {
		console_fd = terminal_connect_socket(o->console_socket, err);
		if (console_fd < 0)
			goto fail;
	}
	start_fd = start_socket_listen(c->dirfd, err);
	if (start_fd < 0)
		goto fail;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
		berr_errno(err, "socketpair");
		goto fail;
	}

	ictx = (struct init_ctx){
		.spec = c->spec, .id = o->id, .rootfs = c->st.rootfs, .bundle = c->st.bundle, .sync_fd = sp[1],
		.start_fd = start_fd, .console_fd = console_fd, .preserve_fds = o->preserve_fds,
		.no_pivot = o->no_pivot, .no_new_keyring = o->no_new_keyring,
		.personality = persona, .seccomp = sc, .exe_fd = -1, .cgroup_fd = -1,
	};
	c->st.id = strdup(o->id);
	c->st.own_pidns = c->spec->linux.ns[SPEC_NS_PID].present && !c->spec->linux.ns[SPEC_NS_PID].path;
	c->st.created = state_now_rfc3339();
	c->st.owner = strdup("");
	c->st.annotations_json = annotations_text(c->spec);
	c->st.poststart_hooks = c->spec->hooks[SPEC_HOOK_POSTSTART].n > 0;
	c->st.status = BERTH_CREATING;
	/*
	 * The cgroup exists (limits set) before the init does: after clone only
	 * the move remains, whose RCU wait then overlaps the init's mounts.
	 * state.json names it before any directory is made (pid 0 = no process).
	 */
	cgo.planned = container_save_planned_cgroup;
	cgo.planned_arg = c;
	if (cgroup_create(&cgo, c->spec, o->id, 0, &cg, err) < 0)
		goto fail;

	ictx.exe_fd = berth_sealed_copy(err);
	if (ictx.exe_fd == -ENOENT)
		ictx.exe_fd = -1;
	else if (ictx.exe_fd < 0)
		goto fail;
	reexec = ictx.exe_fd >= 0;
	if (cg)
		ictx.cgroup_fd = cgroup_v2_fd(cg);
	pid = ns_spawn_init(&ictx, sp[0], &in_cgroup, err);
	if (ictx.cgroup_fd >= 0)
		close(ictx.cgroup_fd);
	if (reexec)
		close(ictx.exe_fd);
	close(sp[1]);
	sp[1] = -1;
	if (pid < 0)
		goto fail;

	c->st.pid = pid;
	if (proc_start_time(pid, &c->st.pid_start) < 0) {
		berr_fail(err, "container init exited during setup");
		goto fail;
	}
	if (ns_new_userns(c->spec) &&
	    (ns_write_id_maps(pid, c->spec, err) < 0 || sync_send(sp[0], SYNC_MAPPED, NULL, err) < 0))
		goto fail;
	/* the re-exec'd init's state; after the maps, which it waits for first */
	if (reexec) {
		_cleanup_free_ char *init_state = container_init_state(&ictx, c->config_text);

		if (!init_state) {
			berr_set(err, ENOMEM, "init state");
			goto fail;
		}
		if (sync_send(sp[0], SYNC_INIT, init_state, err) < 0)
			goto fail;
	}
	/* meanwhile the init mounts; it waits for SYNC_CGROUP before it forks */
	if (cg && cgroup_enter_some(cg, pid, true, !in_cgroup, err) < 0)
		goto fail;
	if (state_save(c->dirfd, &c->st, err) < 0)
		goto fail;
	if (sync_send(sp[0], SYNC_CGROUP, NULL, err) < 0 || drive_init(sp[0], c, err) < 0)
		goto fail;
	c->st.status = BERTH_CREATED;
	if (state_save(c->dirfd, &c->st, err) < 0)
		goto fail;
	if (write_file_at(c->dirfd, CONFIG_FILE, c->config_text, c->config_len, 0600, err) < 0)
		goto fail;
	if (o->pid_file && write_pid_file(o->pid_file, pid, err) < 0)
		goto fail;
	close(sp[0]);
	if (console_fd >= 0)
		close(console_fd);
	cgroup_free(cg);
	seccomp_free(sc);
	berth_log_debug("created %s, init pid %d", o->id, pid);
	return 0;

fail:
	if (sp[0] >= 0) {
		prefer_init_error(sp[0], err);
		close(sp[0]);
	}
	if (sp[1] >= 0)
		close(sp[1]);
	container_kill_and_reap(pid);
	if (pid > 0)
		rootfs_release_host(c->spec, c->st.rootfs);
	if (cg) {
		_cleanup_berr_ berr_t e2 = NULL;

		cgroup_destroy(cg, &e2);
		cgroup_free(cg);
	}
	/* the spec: a failed create still ends with the poststop hooks */
	if (pid > 0 && c->st.id)
		container_hooks_warn(c->spec, SPEC_HOOK_POSTSTOP, &c->st, "stopped");
	{
		_cleanup_berr_ berr_t e2 = NULL;
		remove_tree_at(c->rootfd, o->id, &e2);
	}
fail_early:
	if (console_fd >= 0)
		close(console_fd);
	seccomp_free(sc);
	return -1;
}

int berth_create(const struct berth_runtime *rt, const struct berth_create_opts *o, berr_t *err)
{
	struct container c = { .rootfd = -1, .dirfd = -1 };
	int ret = container_create(rt, o, -1, &c, err);

	container_clear(&c);
	return ret;
}

/* start: hand over to the waiting init; EOF on the socket means it exec'd. */

int container_load_spec(int dirfd, struct spec **s, berr_t *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;

	if (read_file_at(dirfd, CONFIG_FILE, 16 << 20, &text, &len, err) < 0)
		return -1;
	return spec_parse(text, len, s, err);
}

void container_hooks_warn(const struct spec *s, enum spec_hook_kind k, const struct berth_state *st,
			  const char *status)
{
	_cleanup_free_ char *state = NULL;

	if (!s || !s->hooks[k].n)
		return;
	state = container_hook_state(st, status);
	if (state)
		hooks_run_warn(s, k, state);
}

int container_start(int dirfd, struct berth_state *st, const struct spec *s, berr_t *err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *state = NULL;
	struct sockaddr_un sa;
	struct sync_msg m;
	int ret;

	if (st->status != BERTH_CREATED)
		return berr_fail(err, "cannot start a container that is %s",
				 berth_status_name(st->status));
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return berr_errno(err, "socket");
	dir_sock_path(&sa, dirfd, START_SOCK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return berr_errno(err, "connect to container init");
	/* from now on the container counts as running (or stopped, if exec fails) */
	unlinkat(dirfd, START_SOCK, 0);

	state = container_hook_state(st, "created");
	if (!state || sync_send(fd, SYNC_START, state, err) < 0)
		return berr_set(err, ENOMEM, "start");
	/* The init's end closes on a successful execve: EOF means started. */
	ret = sync_recv(fd, &m, err);
	if (ret < 0) {
		if ((*err)->errnum == 0) {
			berr_free(err);
			container_hooks_warn(s, SPEC_HOOK_POSTSTART, st, "running");
			return 0;
		}
		return ret;
	}
	ret = -1;
	if (m.type == SYNC_ERROR || m.type == SYNC_START_HOOK_FAILED) {
		berr_fail(err, "%s", m.payload);
		(*err)->errnum = m.errnum;
		if (m.type == SYNC_START_HOOK_FAILED)
			ret = -2;
	} else {
		berr_set(err, EPROTO, "unexpected message from init");
	}
	sync_msg_clear(&m);
	return ret;
}

/*
 * For the commands that act on a live container's cgroup (update, events,
 * pause...): open it, refuse a stopped one, load its cgroup; *cg is NULL
 * only when need_cgroup is false and the container has none.
 */
int container_open_live(const struct berth_runtime *rt, const char *id, struct container *c,
			struct cgroup **cg, bool need_cgroup, berr_t *err)
{
	int ret;

	*cg = NULL;
	ret = container_open(rt, id, c, err);
	if (ret == 0 && c->st.status == BERTH_STOPPED)
		ret = berr_fail(err, "container \"%s\" is stopped", id);
	if (ret == 0)
		ret = container_cgroup(rt, c, cg, err);
	if (ret == 0 && need_cgroup && !*cg)
		ret = berr_fail(err, "container \"%s\" has no cgroup", id);
	return ret;
}

/* Open, lock and load an existing container; c->spec stays NULL. */
int container_open(const struct berth_runtime *rt, const char *id, struct container *c,
		   berr_t *err)
{
	int ret;

	memset(c, 0, sizeof(*c));
	c->rootfd = c->dirfd = -1;
	if (berth_id_validate(id, err) < 0)
		return -1;
	c->rootfd = state_root_open(rt, false, err);
	if (c->rootfd == -ENOENT) {
		berr_fail(err, "container \"%s\" does not exist", id);
		return -ENOENT;
	}
	if (c->rootfd < 0)
		return -1;
	ret = state_dir_open(c->rootfd, id, err);
	if (ret < 0)
		return ret;
	c->dirfd = ret;
	/* serialise start/kill/delete of one container */
	if (flock(c->dirfd, LOCK_EX) < 0)
		return berr_errno(err, "lock %s", id);
	return state_load(c->dirfd, id, &c->st, err);
}

/*
 * The spec: a failed startContainer hook stops the container, then it is
 * destroyed and the poststop hooks run, as delete would.
 */
static int start_or_destroy(const struct berth_runtime *rt, struct container *c, berr_t *err)
{
	_cleanup_berr_ berr_t e = NULL;
	int ret = container_start(c->dirfd, &c->st, c->spec, err);

	if (ret != -2)
		return ret;
	if (container_delete(rt, c, true, &e) < 0)
		berth_log_warn("delete %s: %s", c->st.id, e->msg);
	return -1;
}

int berth_start(const struct berth_runtime *rt, const char *id, berr_t *err)
{
	struct container c;
	int ret;

	ret = container_open(rt, id, &c, err);
	/* the config is needed for poststart hooks only: don't parse it otherwise */
	if (ret == 0 && c.st.poststart_hooks)
		ret = container_load_spec(c.dirfd, &c.spec, err);
	if (ret == 0)
		ret = start_or_destroy(rt, &c, err);
	container_clear(&c);
	return ret;
}
