/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_CGROUP_INTERNAL_H
#define BERTH_CGROUP_INTERNAL_H

/*
 * Shared by cgroup.c (layout, paths, lifecycle), cgroup-resources.c
 * (linux.resources JSON -> struct cg_res), cgroup-v1.c, cgroup-v2.c and
 * cgroup-bpf.c.  Exposed to tests/unit/test-cgroup.c as well.
 */

#include "cgroup.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CG_DEFAULT_ROOT "/sys/fs/cgroup"

enum cg_mode { CG_MODE_V1, CG_MODE_HYBRID, CG_MODE_V2 };

const char *cg_mode_name(enum cg_mode m);

/* ---- layout: what is mounted under fs_root (from mountinfo) ----------- */

struct cg_mount {
	char *dir;        /* mount point */
	char *root;       /* mountinfo "root": which cgroup the mount shows */
	char *ctrls;      /* v1: "cpu,cpuacct", "name=systemd"; v2: "" */
};

struct cg_layout {
	enum cg_mode mode;
	struct cg_mount *v1;    /* v1 hierarchies, one per mount */
	size_t n_v1;
	struct cg_mount *v2;    /* the cgroup2 mount: fs_root (v2) or e.g. fs_root/unified */
};

/* Parse mountinfo text; only mounts at fs_root or directly below it count. */
int cg_layout_parse(const char *mountinfo, const char *fs_root, struct cg_layout *l, berr_t *err);
int cg_layout_read(const struct cgroup_opts *o, struct cg_layout *l, berr_t *err);
void cg_layout_free(struct cg_layout *l);
/* v1 mount holding controller ctrl ("memory", "name=systemd"), or NULL */
const struct cg_mount *cg_layout_v1(const struct cg_layout *l, const char *ctrl);
/* true if ctrl is in the comma-separated list */
bool cg_list_has(const char *list, const char *ctrl, char sep);

/* ---- paths ------------------------------------------------------------- */

/* The cgroup path the spec asks for: absolute "/berth/x", or relative "x/y"
 * (*relative set) to be joined below the runtime's own cgroup.  The
 * systemd "slice:prefix:name" form becomes "/a.slice/a-b.slice/prefix-name.scope". */
int cg_spec_path(const struct cgroup_opts *o, const struct spec *s, const char *id,
		 char **path, bool *relative, berr_t *err);
/* --systemd-cgroup or manager "systemd": cgroupsPath is slice:prefix:name */
bool cg_systemd_form(const struct cgroup_opts *o);
/* systemd slice name -> path: "a-b.slice" -> "/a.slice/a-b.slice" */
int cg_expand_slice(const char *slice, char **out, berr_t *err);
/* The cgroup of this process in a hierarchy ("" = v2 line "0::"), relative
 * to the mount's root, from <proc_dir>/cgroup. */
int cg_own_path(const struct cgroup_opts *o, const struct cg_mount *m, char **out, berr_t *err);

/* ---- the cgroup itself --------------------------------------------------- */

struct cg_dir {
	char *ctrls;      /* as struct cg_mount; "" for the cgroup2 directory */
	char *mnt;        /* its hierarchy's mount point */
	char *path;       /* the cgroup directory */
	char *top;        /* highest directory berth created on the way, or NULL (joined) */
};

struct cgroup {
	enum cg_mode mode;
	char *fs_root;
	struct cg_dir *dirs;
	size_t n_dirs;
	int unified;      /* index of the cgroup2 directory in dirs, -1 if none */
};

static inline void cgroup_freep(struct cgroup **cg)
{
	cgroup_free(*cg);
	*cg = NULL;
}
#define _cleanup_cgroup_ __attribute__((cleanup(cgroup_freep)))

/* The directories (not created) for path rel in every hierarchy of l. */
int cg_plan(const struct cgroup_opts *o, const struct cg_layout *l, const char *rel,
	    bool relative, struct cgroup **out, berr_t *err);
/* the v1 hierarchy holding ctrl, or NULL */
const struct cg_dir *cg_v1_dir(const struct cgroup *cg, const char *ctrl);
const char *cg_v1_path(const struct cgroup *cg, const char *ctrl);
/* the cgroup2 directory, or NULL */
const char *cg_v2_path(const struct cgroup *cg);

/* ---- cgroupfs file access: one write(), errors name the file ------------ */

int cg_write(const char *dir, const char *file, const char *val, berr_t *err);
int cg_writef(const char *dir, const char *file, berr_t *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Rules for files taking one per write (io.max, blkio.throttle.*, rdma.max):
 * collected, then one open and one write() per line, in order. */
struct cg_lines {
	char **v;
	size_t n;
	bool oom;
};
void cg_lines_add(struct cg_lines *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cg_lines_free(struct cg_lines *l);
int cg_write_lines(const char *dir, const char *file, struct cg_lines *l, berr_t *err);
int cg_read(const char *dir, const char *file, char **out, berr_t *err);
int cg_read_u64(const char *dir, const char *file, uint64_t *v, berr_t *err);
bool cg_exists(const char *dir, const char *file);
/* "key value" lines (memory.stat, cpu.stat, memory.events): value of key */
int cg_keyed_u64(const char *text, const char *key, uint64_t *v);
/* every pid in dir's cgroup.procs and its sub-cgroups */
int cg_read_pids(const char *dir, pid_t **pids, size_t *n, berr_t *err);
/* stats helpers: jansson integers are signed, so larger values (v2 "max")
 * are reported as INT64_MAX */
json_t *cg_json_u64(uint64_t v);
/* a file's number, 0 when it is missing or unreadable (stats are best effort) */
uint64_t cg_u64_or_0(const char *dir, const char *file);
/* "key value" lines as an object (memory.stat) */
json_t *cg_json_keyed(const char *dir, const char *file);
/* one runc BlkioEntry */
json_t *cg_blkio_entry(uint64_t major, uint64_t minor, const char *op, uint64_t value);
/* rmdir dir and any sub-cgroups, deepest first; ENOENT is fine */
int cg_rmdir_tree(const char *dir, berr_t *err);

/* ---- linux.resources ------------------------------------------------------ */

enum { CG_ACC_M = 1, CG_ACC_R = 2, CG_ACC_W = 4, CG_ACC_ALL = 7 }; /* = BPF_DEVCG_ACC_* */

struct cg_dev_rule {
	bool allow;
	char type;        /* 'a', 'b', 'c' */
	int64_t major;    /* -1 = any */
	int64_t minor;    /* -1 = any */
	unsigned access;  /* CG_ACC_* */
};

struct cg_blk_weight {
	int64_t major, minor;
	uint16_t weight, leaf_weight;  /* 0 = not set */
};

struct cg_blk_rate {
	int64_t major, minor;
	uint64_t rate;
};

enum { CG_THR_RBPS, CG_THR_WBPS, CG_THR_RIOPS, CG_THR_WIOPS, CG_THR_N };

struct cg_hugepage {
	char size[16];    /* "2MB" */
	uint64_t limit;
};

struct cg_netprio {
	const char *ifname;
	uint32_t prio;
};

struct cg_rdma {
	const char *dev;
	bool has_handles, has_objects;
	uint32_t handles, objects;
};

struct cg_kv {
	const char *key, *value;
};

/*
 * Parsed and range-checked linux.resources.  Like runc, a 0 in the fields
 * Go keeps as plain integers (limit, shares, quota, period, weight, pids)
 * means "not set"; -1 means unlimited where runc says so.  Strings are
 * borrowed from the JSON.
 */
struct cg_res {
	bool has_mem_limit, has_mem_resv, has_mem_swap, has_kernel_tcp;
	int64_t mem_limit, mem_resv, mem_swap, kernel_tcp;     /* -1 = unlimited */
	bool has_swappiness, has_oom_disable, has_use_hierarchy, has_kernel;
	uint64_t swappiness;
	bool oom_disable, use_hierarchy, check_before_update;

	bool has_shares, has_quota, has_period, has_burst, has_rt_runtime, has_rt_period, has_idle;
	uint64_t shares, period, burst, rt_period;
	int64_t quota, rt_runtime, idle;                         /* quota -1 = unlimited */
	const char *cpus, *mems;                                 /* NULL = not set */

	bool has_pids;
	int64_t pids_limit;                                      /* -1 = unlimited */

	uint16_t blk_weight, blk_leaf_weight;                    /* 0 = not set */
	struct cg_blk_weight *wdev;
	size_t n_wdev;
	struct cg_blk_rate *thr[CG_THR_N];
	size_t n_thr[CG_THR_N];

	struct cg_hugepage *huge;
	size_t n_huge;

	bool has_classid;
	uint32_t classid;
	struct cg_netprio *prio;
	size_t n_prio;

	bool has_devices;                                        /* linux.resources.devices given */
	struct cg_dev_rule *dev;
	size_t n_dev;

	struct cg_rdma *rdma;
	size_t n_rdma;

	struct cg_kv *unified;
	size_t n_unified;
};

/* NULL resources is fine (nothing set).  Errors name the field. */
int cg_res_parse(const json_t *resources, struct cg_res *r, berr_t *err);
void cg_res_free(struct cg_res *r);
/* After the configured device rules: allow the devices every container gets
 * (runc's list) and linux.devices.  Only when devices rules were given. */
int cg_res_add_default_devices(struct cg_res *r, const struct spec *s, berr_t *err);

/* v1 <-> v2 conversions (crun / runc formulas) */
uint64_t cg_shares_to_weight(uint64_t shares);
uint64_t cg_weight_to_shares(uint64_t weight);
uint64_t cg_blkio_to_io_weight(uint64_t w);
/* memory.swap.max from runc's swap (the total of memory and swap): *set false
 * if there is nothing to write, *out -1 for "max" */
int cg_swap_v2(const struct cg_res *r, bool *set, int64_t *out, berr_t *err);

/* ---- per-controller appliers -------------------------------------------- */

/*
 * One entry per kind of resource.  v1 applies it in the hierarchy holding
 * ctrl_v1; v2 (or hybrid, for a controller only the cgroup2 mount has) in the
 * cgroup2 directory, which must list ctrl_v2 in cgroup.controllers.
 */
struct cg_group {
	const char *field;       /* for errors: "linux.resources.memory" */
	const char *ctrl_v1;
	const char *ctrl_v2;     /* NULL: no v2 equivalent; "": no controller needed */
	bool (*used)(const struct cg_res *r);
	int (*apply_v1)(const char *dir, const struct cg_res *r, berr_t *err);
	int (*apply_v2)(const char *dir, const struct cg_res *r, berr_t *err);
	int (*check_v2)(const struct cg_res *r, berr_t *err);  /* may be NULL */
};

extern const struct cg_group cg_groups[];
extern const size_t cg_n_groups;

/* cgroup-v1.c */
int cg_v1_memory(const char *dir, const struct cg_res *r, berr_t *err);
int cg_v1_cpu(const char *dir, const struct cg_res *r, berr_t *err);
int cg_v1_cpuset(const char *dir, const struct cg_res *r, berr_t *err);
/* pids.max, rdma.max and cpuset.* are the same on v2 */
int cg_v1_pids(const char *dir, const struct cg_res *r, berr_t *err);
int cg_v1_blkio(const char *dir, const struct cg_res *r, berr_t *err);
int cg_v1_hugetlb(const char *dir, const struct cg_res *r, berr_t *err);
int cg_v1_net_cls(const char *dir, const struct cg_res *r, berr_t *err);
int cg_v1_net_prio(const char *dir, const struct cg_res *r, berr_t *err);
int cg_v1_devices(const char *dir, const struct cg_res *r, berr_t *err);
int cg_v1_rdma(const char *dir, const struct cg_res *r, berr_t *err);
/* a new cpuset cgroup starts empty: copy the parent's cpus/mems */
int cg_v1_cpuset_inherit(const char *dir, berr_t *err);
int cg_v1_freeze(const char *dir, bool frozen, berr_t *err);
int cg_v1_stats(const struct cgroup *cg, json_t *stats, berr_t *err);
int cg_v1_oom_count(const char *dir, uint64_t *count, berr_t *err);
int cg_v1_oom_fd(const char *dir, berr_t *err);

/* cgroup-v2.c */
int cg_v2_memory(const char *dir, const struct cg_res *r, berr_t *err);
int cg_v2_cpu(const char *dir, const struct cg_res *r, berr_t *err);
int cg_v2_io(const char *dir, const struct cg_res *r, berr_t *err);
int cg_v2_hugetlb(const char *dir, const struct cg_res *r, berr_t *err);
int cg_v2_devices(const char *dir, const struct cg_res *r, berr_t *err);
int cg_v2_check_memory(const struct cg_res *r, berr_t *err);
int cg_v2_check_cpu(const struct cg_res *r, berr_t *err);
int cg_v2_check_network(const struct cg_res *r, berr_t *err);
int cg_v2_unified(const char *dir, const struct cg_res *r, berr_t *err);
/* enable the controllers in want (space-separated; NULL = all available)
 * in dir's cgroup.subtree_control, writing only what is missing */
int cg_v2_enable(const char *dir, const char *want, berr_t *err);
int cg_v2_freeze(const char *dir, bool frozen, berr_t *err);
int cg_v2_stats(const char *dir, json_t *stats, berr_t *err);
/* the "hugetlb" part alone (hybrid: hugetlb only on the cgroup2 mount) */
int cg_v2_hugetlb_stats(const char *dir, json_t *stats, berr_t *err);
int cg_v2_oom_count(const char *dir, uint64_t *count, berr_t *err);
int cg_v2_oom_fd(const char *dir, berr_t *err);

/* cgroup-bpf.c: BPF_PROG_TYPE_CGROUP_DEVICE programs */
struct bpf_insn;
/* Build the program for rules (last matching rule wins, default allow).
 * *insns is malloc'ed. */
int cg_bpf_build(const struct cg_dev_rule *rules, size_t n, struct bpf_insn **insns,
		 size_t *n_insns, berr_t *err);
/* BPF_PROG_LOAD; returns the program fd */
int cg_bpf_load(const struct bpf_insn *insns, size_t n, berr_t *err);
/* load and attach to the cgroup directory (BPF_F_ALLOW_MULTI), then detach
 * the programs attached there before (an update replaces them) */
int cg_bpf_apply(const char *dir, const struct cg_dev_rule *rules, size_t n, berr_t *err);

#endif
