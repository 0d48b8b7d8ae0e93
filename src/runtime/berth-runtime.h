/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_RUNTIME_H
#define BERTH_RUNTIME_H

/*
 * libberth-runtime: the OCI runtime layer.  Turns a bundle (rootfs +
 * config.json) into an isolated process and manages its lifecycle.  Knows
 * nothing of images or engines.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "../util/error.h"

#define BERTH_RUNTIME_DEFAULT_ROOT "/run/berth-runtime"
#define BERTH_OCI_VERSION "1.2.0"

enum berth_log_format { BERTH_LOG_TEXT, BERTH_LOG_JSON };

struct berth_runtime {
	const char *root;       /* state directory, default BERTH_RUNTIME_DEFAULT_ROOT */
	bool debug;
	bool systemd_cgroup;
	const char *cgroup_manager; /* "cgroupfs", "systemd", "disabled" or NULL */
	const char *criu;       /* --criu: the criu binary, NULL = "criu" from PATH */
};

struct berth_create_opts {
	const char *id;
	const char *bundle;         /* default: cwd */
	const char *config_path;    /* default: bundle/config.json */
	const char *pid_file;
	const char *console_socket;
	bool no_pivot;
	bool no_new_keyring;
	unsigned int preserve_fds;
	bool detach;                /* run only */
	bool keep;                  /* run only: keep the stopped container */
};

enum berth_status {
	BERTH_CREATING,
	BERTH_CREATED,
	BERTH_RUNNING,
	BERTH_PAUSED,
	BERTH_STOPPED,
};

struct berth_state {
	char *id;
	enum berth_status status;
	pid_t pid;                  /* 0 when stopped */
	char *bundle;
	char *rootfs;
	char *created;              /* RFC 3339 */
	char *owner;
	char *annotations_json;     /* JSON object text, or NULL */
	unsigned long long pid_start; /* start time of pid, to detect pid reuse */
	char *cgroup;               /* cgroup_serialize() text, or NULL */
	bool own_pidns;             /* init is pid 1 of its own pid namespace */
	bool poststart_hooks;       /* start must load the config to run them */
};

const char *berth_status_name(enum berth_status s);

/* Validate a container ID: no '/', not "." or "..", 1..1024 printable chars. */
int berth_id_validate(const char *id, berr_t *err);

int berth_create(const struct berth_runtime *rt, const struct berth_create_opts *o, berr_t *err);
/* create + start; foreground: waits, forwards signals, *status = exit code
 * (128+signal when killed). */
int berth_run(const struct berth_runtime *rt, const struct berth_create_opts *o, int *status,
	      berr_t *err);
int berth_start(const struct berth_runtime *rt, const char *id, berr_t *err);

struct berth_exec_opts {
	const char *id;
	const char *process_path;   /* --process FILE: a runtime-spec "process" */
	char **args;                /* otherwise: the command (NULL-terminated) */
	char **env;                 /* -e K=V, on top of the container's env */
	const char *cwd;
	bool has_user;              /* -u UID[:GID] */
	uint32_t uid;
	uint32_t gid;
	char **caps;                /* --cap NAME, added (within the container's bounding set) */
	bool no_new_privs;
	bool tty;                   /* -t */
	const char *console_socket;
	bool detach;
	const char *pid_file;
	unsigned int preserve_fds;
	const char *apparmor;
	const char *process_label;
};

/* Run a process in a running container's namespaces, cgroup and confinement.
 * Foreground: *status is its exit status (128+N when killed by signal N). */
int berth_exec(const struct berth_runtime *rt, const struct berth_exec_opts *o, int *status,
	       berr_t *err);
int berth_kill(const struct berth_runtime *rt, const char *id, int sig, bool all, berr_t *err);
int berth_delete(const struct berth_runtime *rt, const char *id, bool force, berr_t *err);

int berth_state_get(const struct berth_runtime *rt, const char *id, struct berth_state *st,
		    berr_t *err);
void berth_state_clear(struct berth_state *st);
/* State as the runtime-spec's JSON (ociVersion, id, status, pid, bundle, annotations, ...). */
char *berth_state_to_json(const struct berth_state *st, bool pretty);
int berth_list(const struct berth_runtime *rt, struct berth_state **out, size_t *n, berr_t *err);

/* pause/resume: freeze and thaw the container's cgroup. */
int berth_pause(const struct berth_runtime *rt, const char *id, berr_t *err);
int berth_resume(const struct berth_runtime *rt, const char *id, berr_t *err);
/* every pid of the container (from its cgroup), as seen from the host */
int berth_ps(const struct berth_runtime *rt, const char *id, pid_t **pids, size_t *n,
	     berr_t *err);
/* update: a linux.resources JSON object applied to the running container */
int berth_update(const struct berth_runtime *rt, const char *id, const char *resources_json,
		 berr_t *err);

/* events: runc's JSON event objects, one line each, passed to cb.
 * stats_once: one "stats" event and return; else every interval_ms a
 * "stats" event and an "oom" event when it happens, until the container stops. */
typedef void (*berth_event_cb)(const char *json_line, void *arg);
int berth_events(const struct berth_runtime *rt, const char *id, bool stats_once,
		 unsigned int interval_ms, berth_event_cb cb, void *arg, berr_t *err);

/* checkpoint/restore through the criu CLI, with runc's flags and semantics. */
struct berth_checkpoint_opts {
	const char *id;
	const char *image_path;     /* required */
	const char *work_path;      /* default: STATE_DIR/criu.work */
	const char *parent_path;    /* checkpoint: previous pre-dump, relative to image_path */
	bool leave_running;
	bool pre_dump;              /* memory only; the container keeps running */
	bool tcp_established;
	bool ext_unix_sk;
	bool shell_job;
	bool file_locks;
	bool auto_dedup;
	const char *manage_cgroups_mode; /* soft (default), full, strict, ignore */
	const char *empty_ns;       /* "network": create it, do not restore it */
	/* restore only */
	const char *bundle;         /* default: the bundle recorded at checkpoint */
	bool detach;
	const char *pid_file;
	const char *console_socket;
	bool no_subreaper;
	const char *lsm_profile;    /* TYPE:NAME */
	const char *lsm_mount_context;
};

/* Dump a running (or paused) container into image_path; without
 * leave_running/pre_dump the container is then stopped and deleted.  When
 * criu fails the container is left as it was. */
int berth_checkpoint(const struct berth_runtime *rt, const struct berth_checkpoint_opts *o,
		     berr_t *err);
/* Recreate a container from image_path.  Foreground (no detach): wait for
 * it, *status as for berth_run, then delete it. */
int berth_restore(const struct berth_runtime *rt, const struct berth_checkpoint_opts *o,
		  int *status, berr_t *err);

/* `spec`: a default config.json text. */
char *berth_spec_default(bool rootless);
/* `features`: the runtime-spec features document. */
char *berth_features_json(void);

/* "SIGTERM", "TERM", "15" -> 15; -1 if unknown. */
int berth_signal_parse(const char *s);

/* Logging: set once by the CLI. */
int berth_log_open(const char *path, enum berth_log_format fmt, bool debug, berr_t *err);
void berth_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void berth_log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void berth_log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* CVE-2019-5736: make sure we run from a sealed memfd copy of ourselves. */
int berth_ensure_cloned_binary(char **argv, char **envp, berr_t *err);
/* The same copy as an fd (-ENOENT: we already run from one), for create and
 * run, where only the container's init re-execs. */
int berth_sealed_copy(berr_t *err);

/* `berth-runtime init`: the container's init after its re-exec (internal). */
#define BERTH_INIT_ENV "_BERTH_INIT_FDS"
int berth_init_main(void);

#endif
