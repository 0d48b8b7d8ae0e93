/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_CGROUP_H
#define BERTH_CGROUP_H

/*
 * The container's cgroup: v1 (one directory per controller hierarchy), v2
 * (unified), or hybrid (v1 controllers + a v2 mount holding what v1 does
 * not), detected at run time.  Only cgroups berth created are ever written
 * to or removed.
 *
 * Runtime side only (the init never touches cgroupfs):
 *   create: cgroup_create() after the init is cloned and before it runs any
 *           container code; the init then unshares its cgroup namespace.
 *   later:  cgroup_load() from the string cgroup_serialize() gave, stored in
 *           state.json, so no config is needed for pause/update/ps/delete.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>
#include "spec.h"

struct cgroup;


struct cgroup_opts {
	const char *fs_root;       /* "/sys/fs/cgroup"; tests point it at a fake tree */
	const char *manager;       /* "cgroupfs" (default), "systemd", "disabled" */
	bool systemd_path;         /* --systemd-cgroup: cgroupsPath is slice:prefix:name */
	const char *proc_dir;      /* where "mountinfo" and "cgroup" are read: NULL = "/proc/self";
				    * tests point it at fake files describing a fake fs_root */
	/* Called by cgroup_create() once it knows which directories it will
	 * make, before making any: the caller records cgroup_serialize() so a
	 * runtime killed at any later moment leaves a cgroup delete can find. */
	int (*planned)(const struct cgroup *cg, void *arg, berr_t *err);
	void *planned_arg;
};

/* Create the cgroup for linux.cgroupsPath (default: "/berth/<id>"), or join
 * it if it exists (a joined directory is never removed), apply
 * linux.resources, move pid in (none if pid <= 0).  *out is NULL with manager
 * "disabled".  Bad resources fail with the field named; on failure whatever
 * was created is removed again. */
int cgroup_create(const struct cgroup_opts *o, const struct spec *s, const char *id, pid_t pid,
		  struct cgroup **out, berr_t *err);

/* Put another process of the container (exec) into the same cgroups. */
int cgroup_enter(struct cgroup *cg, pid_t pid, berr_t *err);
/* fd of the cgroup2 directory, for clone3(CLONE_INTO_CGROUP): the init is
 * born there and needs no move; -1 when there is none */
int cgroup_v2_fd(const struct cgroup *cg);
/* cgroup_enter() for the v1 hierarchies and/or the cgroup2 one only */
int cgroup_enter_some(struct cgroup *cg, pid_t pid, bool v1, bool v2, berr_t *err);

/* Check linux.resources without touching the system (called before clone). */
int cgroup_validate(const struct cgroup_opts *o, const struct spec *s, berr_t *err);

/* A compact JSON string naming the cgroup (mode, paths), and back. */
char *cgroup_serialize(const struct cgroup *cg);
int cgroup_load(const struct cgroup_opts *o, const char *serialized, struct cgroup **out,
		berr_t *err);

/* Remove the cgroup (after killing whatever is left in it with SIGKILL). */
int cgroup_destroy(struct cgroup *cg, berr_t *err);
void cgroup_free(struct cgroup *cg);

int cgroup_freeze(struct cgroup *cg, bool frozen, berr_t *err);
/* "paused" test for the status: true if frozen (v1 FROZEN, v2 cgroup.freeze 1) */
bool cgroup_is_frozen(struct cgroup *cg);

/* update: apply a linux.resources JSON object to a live cgroup */
int cgroup_update(struct cgroup *cg, const json_t *resources, berr_t *err);

/* every pid in the cgroup (and below) */
int cgroup_pids(struct cgroup *cg, pid_t **pids, size_t *n, berr_t *err);
/* signal every process in it (kill --all) */
int cgroup_kill(struct cgroup *cg, int sig, berr_t *err);

/* runc's `events --stats` "data" object: cpu, memory, pids, blkio, hugetlb */
int cgroup_stats(struct cgroup *cg, json_t **stats, berr_t *err);

/* OOM: count of oom kills so far (v2 memory.events oom_kill, v1
 * memory.oom_control oom_kill) and an fd that becomes readable on a new one
 * (v1 eventfd via cgroup.event_control, v2 inotify on memory.events). */
int cgroup_oom_count(struct cgroup *cg, uint64_t *count, berr_t *err);
int cgroup_oom_fd(struct cgroup *cg, berr_t *err);

#endif
