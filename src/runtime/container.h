/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_CONTAINER_H
#define BERTH_CONTAINER_H

/* Internal glue between the runtime side (container.c) and the init side. */

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>
#include "berth-runtime.h"
#include "spec.h"

#define STATE_FILE "state.json"
#define CONFIG_FILE "config.json"
#define START_SOCK "start.sock"
#define PAUSED_FILE "paused"     /* present while the cgroup is frozen by pause */

/* What the container's init needs; filled by the runtime before clone. */
struct init_ctx {
	const struct spec *spec;
	const char *id;
	const char *rootfs;         /* absolute host path */
	const char *bundle;         /* absolute; relative mount sources resolve here */
	int sync_fd;                /* SEQPACKET to the runtime */
	int start_fd;               /* listening socket: `start` connects here */
	int console_fd;             /* connected --console-socket, or -1 */
	unsigned int preserve_fds;
	bool no_pivot;
	bool no_new_keyring;
	unsigned long personality;  /* PERSONALITY_NONE: leave it */
	struct berth_seccomp *seccomp; /* compiled by the runtime, loaded by the init; or NULL */
	int exe_fd;                 /* sealed copy to re-exec before anything, or -1 */
	bool userns_ready;          /* maps written and uid 0 taken before the re-exec */
	int cgroup_fd;              /* cgroup2 directory to clone into, or -1 */
};

/* In the freshly cloned child: re-exec the sealed copy (its state follows
 * as SYNC_INIT, see container_init_state()), or go on as we are. */
_Noreturn void container_init_entry(const struct init_ctx *c);
/* Runtime side: what the re-exec'd init needs, as one SYNC_INIT payload. */
char *container_init_state(const struct init_ctx *c, const char *config_text);

/* seccomp and identity in the order that lets both work: with
 * no_new_privs the filter goes last (no CAP_SYS_ADMIN needed, and it never
 * sees our own setuid/capset); without, it must go while we still hold
 * CAP_SYS_ADMIN. */
int container_confine(const struct spec_process *p, struct berth_seccomp *sc, berr_t *err);

/* A container as the runtime side handles it. */
struct container {
	struct spec *spec;          /* NULL until loaded */
	char *config_text;
	size_t config_len;
	struct berth_state st;
	int rootfd;                 /* state root */
	int dirfd;                  /* state dir, flock()ed by container_open */
};

void container_clear(struct container *c);
struct cgroup;
struct cgroup_opts;
void container_cgroup_opts(const struct berth_runtime *rt, struct cgroup_opts *o);
/* cgroup_opts.planned for a container c (arg): state.json names the cgroup
 * before any of its directories exists, so delete finds them after a crash. */
int container_save_planned_cgroup(const struct cgroup *cg, void *arg, berr_t *err);
int container_cgroup(const struct berth_runtime *rt, const struct container *c,
		     struct cgroup **cg, berr_t *err);
/* container.c */
int container_create(const struct berth_runtime *rt, const struct berth_create_opts *o,
		     int console_fd, struct container *c, berr_t *err);
int container_open(const struct berth_runtime *rt, const char *id, struct container *c,
		   berr_t *err);
int container_load_spec(int dirfd, struct spec **s, berr_t *err);
int container_open_live(const struct berth_runtime *rt, const char *id, struct container *c,
			struct cgroup **cg, bool need_cgroup, berr_t *err);
/* -2: a startContainer hook failed, the container must be destroyed */
int container_start(int dirfd, struct berth_state *st, const struct spec *s, berr_t *err);
char *container_hook_state(const struct berth_state *st, const char *status);
/* poststart/poststop: a failing hook is a warning (runtime-spec) */
void container_hooks_warn(const struct spec *s, enum spec_hook_kind k, const struct berth_state *st,
			  const char *status);
void container_kill_and_reap(pid_t pid);
/* kill.c */
int container_signal(const struct berth_state *st, int sig, bool all, berr_t *err);
int container_force_stop(const struct berth_state *st, berr_t *err);
/* delete.c */
int container_delete(const struct berth_runtime *rt, struct container *c, bool force,
		     berr_t *err);

int container_pidfd(const struct berth_state *st, berr_t *err);
/* run.c: a foreground container or exec'd process */
void fg_block_signals(sigset_t *all, sigset_t *old);
/* forward signals to pid, proxy master (if >= 0) to our stdio, reap it */
int fg_wait(pid_t pid, const sigset_t *all, int master, int *status, berr_t *err);

/* container-init.c: runs in the child, never returns. */
_Noreturn void container_init(const struct init_ctx *c);

/* namespaces.c */
/* Clone the init into its namespaces.  Returns its pid (a child of ours). */
/* *in_cgroup: the init was cloned into c->cgroup_fd (CLONE_INTO_CGROUP). */
pid_t ns_spawn_init(const struct init_ctx *c, int parent_sync_fd, bool *in_cgroup, berr_t *err);
/* In the init: join namespaces given by path (all but user and pid). */
int ns_join_paths(const struct spec *s, berr_t *err);
/* In the runtime: write uid_map/gid_map (and setgroups) of pid. */
int ns_write_id_maps(pid_t pid, const struct spec *s, berr_t *err);
bool ns_new_userns(const struct spec *s);
bool ns_new_cgroupns(const struct spec *s);

/* state.c */
int state_root_open(const struct berth_runtime *rt, bool create, berr_t *err);
int state_dir_create(int rootfd, const char *id, berr_t *err);
int state_dir_open(int rootfd, const char *id, berr_t *err);
int state_save(int dirfd, const struct berth_state *st, berr_t *err);
int state_load(int dirfd, const char *id, struct berth_state *st, berr_t *err);
/* Field 22 of /proc/PID/stat: tells a live init from a recycled pid. */
int proc_start_time(pid_t pid, unsigned long long *t);
char *state_now_rfc3339(void);

#endif
