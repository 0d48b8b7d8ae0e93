/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_CRIU_H
#define BERTH_CRIU_H

/*
 * The criu command line for a checkpoint or restore, as runc asks criu over
 * RPC for an equivalent container.  A pure function of its inputs: whatever
 * needs the system (freezer path, namespace inodes, host cgroup mounts,
 * which masked paths are files) is looked up by the caller.
 */

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>
#include "berth-runtime.h"
#include "spec.h"

enum criu_action { CRIU_DUMP, CRIU_PRE_DUMP, CRIU_RESTORE };

#define CRIU_CGROUP_FS "/sys/fs/cgroup"

struct criu_req {
	enum criu_action action;
	const char *criu;                 /* binary; NULL = "criu" */
	const struct berth_checkpoint_opts *o;
	const struct spec *spec;          /* mounts and masked paths */
	const char *bundle;               /* relative bind sources resolve here (restore) */
	pid_t pid;                        /* dump: the container's init */
	const char *image_path;
	const char *work_path;
	const char *root;                 /* --root: the rootfs as criu sees it */
	const char *pid_file;             /* restore: where criu writes the restored pid */
	const char *freeze_cgroup;        /* dump: freezer cgroup directory, or NULL */
	/* host cgroup hierarchy mounts: CRIU_CGROUP_FS itself and those below
	 * it; set when a "cgroup" mount is a bind of the host's tree (v1,
	 * hybrid), NULL when it is a fresh cgroup2 mount criu handles itself */
	char **cgroup_mounts;
	char **cgroup_roots;              /* restore: "[ctrls:]/path" for --cgroup-root */
	char **masked_files;              /* masked paths that are files: /dev/null binds */
	char **external;                  /* dump: "net[INODE]:extRootNetNS" ... */
	char **inherit_fds;               /* restore: "fd[N]:KEY" ... */
};

/* "soft", "full", "strict", "ignore" or NULL (soft); others fail. */
int criu_check_cgroup_mode(const char *mode, berr_t *err);

/* The options criu_build_argv() would refuse, checked before anything is made. */
int criu_check_opts(const struct berth_checkpoint_opts *o, berr_t *err);

/* The NULL-terminated argv, argv[0] the binary. */
int criu_build_argv(const struct criu_req *r, char ***argv, berr_t *err);

/* Log file name inside the work directory. */
const char *criu_log_name(enum criu_action a);

/* criu-run.c: how the criu process is set up before its exec */
#define CRIU_INHERIT_FD_BASE 10     /* fds[i] is fd CRIU_INHERIT_FD_BASE + i in criu */
#define CRIU_HIGH_FD 64             /* fds to be inherited are kept above the fixed numbers */
struct cgroup;
struct criu_child {
	const char *rootfs;         /* restore: bound onto root_mnt in a private mount ns */
	const char *root_mnt;
	const int *fds;             /* restore: inherited, see CRIU_INHERIT_FD_BASE */
	size_t n_fds;
	const sigset_t *sigmask;    /* the signal mask to exec with, NULL = as is */
	struct cgroup *cg;          /* restore: criu runs in the container's cgroup */
};

/* Run criu for r.  log_kept: the work dir outlives a failure (else the
 * error says the log went with the state dir). */
int criu_run(const struct criu_req *r, const struct criu_child *cc, bool log_kept, berr_t *err);

#endif
