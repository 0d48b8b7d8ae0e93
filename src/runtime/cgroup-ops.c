/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What is done to the cgroup: create (or join), apply and update resources,
 * destroy, freeze, list and signal its processes, stats and OOM events.
 * Each kind of resource is applied where its controller lives: the v1
 * hierarchy holding it, else (v2, or hybrid for a controller only cgroup2
 * has, e.g. hugetlb) the cgroup2 directory.
 */
#include "cgroup-internal.h"
#include "berth-runtime.h"
#include "../util/cleanup.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RES "linux.resources"

/* ---- resources: where each kind goes --------------------------------------- */

static bool used_cpuset(const struct cg_res *r) { return r->cpus || r->mems; }
static bool used_memory(const struct cg_res *r)
{
	return r->has_mem_limit || r->has_mem_resv || r->has_mem_swap || r->has_kernel_tcp ||
	       r->has_swappiness || r->has_oom_disable || r->has_use_hierarchy;
}
static bool used_cpu(const struct cg_res *r)
{
	return r->has_shares || r->has_quota || r->has_period || r->has_burst ||
	       r->has_rt_runtime || r->has_rt_period || r->has_idle;
}
static bool used_pids(const struct cg_res *r) { return r->has_pids; }
static bool used_blkio(const struct cg_res *r)
{
	size_t n = r->n_wdev;

	for (int k = 0; k < CG_THR_N; k++)
		n += r->n_thr[k];
	return r->blk_weight || r->blk_leaf_weight || n;
}
static bool used_huge(const struct cg_res *r) { return r->n_huge > 0; }
static bool used_classid(const struct cg_res *r) { return r->has_classid; }
static bool used_prio(const struct cg_res *r) { return r->n_prio > 0; }
static bool used_rdma(const struct cg_res *r) { return r->n_rdma > 0; }
static bool used_devices(const struct cg_res *r) { return r->n_dev > 0; }

const struct cg_group cg_groups[] = {
	/* cpuset first: a v1 cpuset cgroup takes no tasks until it has cpus and mems */
	{ RES ".cpu", "cpuset", "cpuset", used_cpuset, cg_v1_cpuset, cg_v1_cpuset, NULL },
	{ RES ".memory", "memory", "memory", used_memory, cg_v1_memory, cg_v2_memory,
	  cg_v2_check_memory },
	{ RES ".cpu", "cpu", "cpu", used_cpu, cg_v1_cpu, cg_v2_cpu, cg_v2_check_cpu },
	{ RES ".pids", "pids", "pids", used_pids, cg_v1_pids, cg_v1_pids, NULL },
	{ RES ".blockIO", "blkio", "io", used_blkio, cg_v1_blkio, cg_v2_io, NULL },
	{ RES ".hugepageLimits", "hugetlb", "hugetlb", used_huge, cg_v1_hugetlb, cg_v2_hugetlb, NULL },
	{ RES ".network.classID", "net_cls", NULL, used_classid, cg_v1_net_cls, NULL,
	  cg_v2_check_network },
	{ RES ".network.priorities", "net_prio", NULL, used_prio, cg_v1_net_prio, NULL,
	  cg_v2_check_network },
	{ RES ".rdma", "rdma", "rdma", used_rdma, cg_v1_rdma, cg_v1_rdma, NULL },
	/* v2 has no devices controller: an eBPF program on the cgroup */
	{ RES ".devices", "devices", "", used_devices, cg_v1_devices, cg_v2_devices, NULL },
};
const size_t cg_n_groups = ARRAY_SIZE(cg_groups);

/* ctrl usable in the cgroup2 directory dir ("": needs no controller) */
static int v2_has(const char *dir, const char *ctrl, bool *has, berr_t *err)
{
	_cleanup_free_ char *list = NULL;

	if (!*ctrl) {
		*has = true;
		return 0;
	}
	if (cg_read(dir, "cgroup.controllers", &list, err) < 0)
		return -1;
	list[strcspn(list, "\n")] = '\0';
	*has = cg_list_has(list, ctrl, ' ');
	return 0;
}

/* The directory a kind of resource is applied in (*v2 set when it is the
 * cgroup2 one), or an error naming the field when it can go nowhere.
 * live: the cgroup exists; else (validate) probe the mount points. */
static int locate(const struct cgroup *cg, const struct cg_group *g, bool live, const char **dir,
		  bool *v2, berr_t *err)
{
	const struct cg_dir *d = cg->mode == CG_MODE_V2 ? NULL : cg_v1_dir(cg, g->ctrl_v1);
	const struct cg_dir *u = cg->unified >= 0 ? &cg->dirs[cg->unified] : NULL;
	bool has = false;

	*v2 = false;
	if (d) {
		*dir = live ? d->path : d->mnt;
		return 0;
	}
	if (u && g->ctrl_v2) {
		*dir = live ? u->path : u->mnt;
		if (v2_has(*dir, g->ctrl_v2, &has, err) < 0)
			return -1;
		*v2 = true;
		if (has)
			return 0;
		if (cg->mode == CG_MODE_V2)
			return berr_fail(err, "%s: the %s controller is not available in %s (cgroup.controllers)",
					 g->field, g->ctrl_v2, *dir);
		/* hybrid: the host has it, but only in cgroup2, and does not hand it down */
		if (live)
			return berr_fail(err, "%s: the %s controller is only in cgroup2 and not enabled for %s (the parent's cgroup.subtree_control)",
					 g->field, g->ctrl_v2, *dir);
	}
	if (cg->mode == CG_MODE_V2)
		return berr_fail(err, "%s: not supported on cgroup v2", g->field);
	return berr_fail(err, "%s: the %s controller is not mounted", g->field, g->ctrl_v1);
}

static int check_resources(const struct cgroup *cg, const struct cg_res *r, bool live, berr_t *err)
{
	for (size_t i = 0; i < cg_n_groups; i++) {
		const struct cg_group *g = &cg_groups[i];
		const char *dir;
		bool v2;

		if (!g->used(r))
			continue;
		if (cg->mode == CG_MODE_V2 && g->check_v2 && g->check_v2(r, err) < 0)
			return -1;
		if (locate(cg, g, live, &dir, &v2, err) < 0)
			return -1;
		if (v2 && cg->mode != CG_MODE_V2 && g->check_v2 && g->check_v2(r, err) < 0)
			return -1;
	}
	if (r->n_unified && cg->mode != CG_MODE_V2)
		return berr_fail(err, RES ".unified requires cgroup v2 (this host uses cgroup %s)",
				 cg_mode_name(cg->mode));
	return 0;
}

static void warn_ignored(const struct cg_res *r)
{
	if (r->has_kernel)
		berth_log_warn(RES ".memory.kernel is ignored: kernel memory limits are deprecated");
}

static int apply_resources(const struct cgroup *cg, const struct cg_res *r, berr_t *err)
{
	if (check_resources(cg, r, true, err) < 0)
		return -1;
	warn_ignored(r);
	for (size_t i = 0; i < cg_n_groups; i++) {
		const struct cg_group *g = &cg_groups[i];
		const char *dir = NULL;
		bool v2 = false;

		if (!g->used(r))
			continue;
		if (locate(cg, g, true, &dir, &v2, err) < 0)
			return -1;
		if ((v2 ? g->apply_v2 : g->apply_v1)(dir, r, err) < 0)
			return -1;
	}
	/* last, so raw keys override what the fields above set (as crun) */
	return r->n_unified ? cg_v2_unified(cg_v2_path(cg), r, err) : 0;
}

/* controllers the cgroup2 side must have enabled: all of them on v2 (later
 * updates and stats need them, as runc), on hybrid only what is applied
 * there, so nothing is bound to cgroup2 needlessly */
static int v2_wanted(const struct cgroup *cg, const struct cg_res *r, char **want, berr_t *err)
{
	char buf[256] = "";

	*want = NULL;
	if (cg->mode == CG_MODE_V2)
		return 0;
	for (size_t i = 0; i < cg_n_groups; i++) {
		const struct cg_group *g = &cg_groups[i];

		if (g->used(r) && g->ctrl_v2 && *g->ctrl_v2 && !cg_v1_path(cg, g->ctrl_v1) &&
		    !cg_list_has(buf, g->ctrl_v2, ' '))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", *buf ? " " : "",
				 g->ctrl_v2);
	}
	*want = strdup(buf);
	return *want ? 0 : berr_errno(err, "cgroup");
}

/* ---- create ------------------------------------------------------------------------- */

/*
 * The first missing level of each directory, found before anything is made:
 * those are the ones berth will create (make_dirs() keeps d->top), so a
 * state saved now already says what delete may remove.
 */
static int plan_tops(struct cgroup *cg, berr_t *err)
{
	for (size_t i = 0; i < cg->n_dirs; i++) {
		struct cg_dir *d = &cg->dirs[i];
		char buf[PATH_MAX];
		size_t mlen = strlen(d->mnt);

		if (d->top || snprintf(buf, sizeof(buf), "%s", d->path) >= (int)sizeof(buf))
			continue;
		for (char *p = buf + mlen + 1;; p++) {
			char c = *p;
			struct stat st;

			if (c != '/' && c != '\0')
				continue;
			*p = '\0';
			if (stat(buf, &st) < 0) {
				if (errno != ENOENT)
					return berr_errno(err, "stat %s", buf);
				if (!(d->top = strdup(buf)))
					return berr_errno(err, "cgroup");
				break;
			}
			if (c == '\0')
				break;
			*p = c;
		}
	}
	return 0;
}

/* mkdir each missing level of d->path below its mount; d->top = first created */
static int make_dirs(struct cg_dir *d, const char *want, berr_t *err)
{
	char buf[PATH_MAX];
	size_t mlen = strlen(d->mnt);
	bool v2 = !*d->ctrls, cpuset = cg_list_has(d->ctrls, "cpuset", ',');

	if (snprintf(buf, sizeof(buf), "%s", d->path) >= (int)sizeof(buf))
		return berr_set(err, ENAMETOOLONG, "mkdir %s", d->path);
	for (char *p = buf + mlen + 1;; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		/*
		 * The parent must delegate controllers first.  Not the cgroup2 root
		 * of a hybrid host, though: it belongs to the host (and hugetlb
		 * turned on there makes other runtimes refuse to start).
		 */
		if (v2) {
			char *slash = strrchr(buf, '/');
			bool host_root;

			*slash = '\0';
			host_root = want && !strcmp(buf, d->mnt);
			if (!host_root && (!want || *want) && cg_v2_enable(buf, want, err) < 0)
				return -1;
			*slash = '/';
		}
		if (mkdir(buf, 0755) == 0) {
			if (!d->top && !(d->top = strdup(buf)))
				return berr_errno(err, "mkdir %s", buf);
		} else if (errno != EEXIST) {
			return berr_errno(err, "mkdir %s", buf);
		}
		/* a cpuset cgroup takes no task until it has cpus and mems: one made
		 * before us (a cgroupsPath prepared by the caller) may have neither */
		if (cpuset && cg_v1_cpuset_inherit(buf, err) < 0)
			return -1;
		if (c == '\0')
			return 0;
		*p = c;
	}
}

static int prepare(const struct cgroup_opts *o, const struct spec *s, const char *id,
		   struct cg_res *r, struct cgroup **out, berr_t *err)
{
	struct cg_layout l;
	_cleanup_free_ char *rel = NULL;
	bool relative;
	int ret;

	if (cg_res_parse(s->linux.resources, r, err) < 0)
		return -1;
	if (cg_res_add_default_devices(r, s, err) < 0 ||
	    cg_spec_path(o, s, id, &rel, &relative, err) < 0 || cg_layout_read(o, &l, err) < 0) {
		cg_res_free(r);
		return -1;
	}
	ret = cg_plan(o, &l, rel, relative, out, err);
	cg_layout_free(&l);
	if (ret < 0)
		cg_res_free(r);
	return ret;
}

int cgroup_validate(const struct cgroup_opts *o, const struct spec *s, berr_t *err)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	struct cg_res r;
	int ret;

	if (o && o->manager && !strcmp(o->manager, "disabled"))
		return 0;
	if (prepare(o, s, "validate", &r, &cg, err) < 0)
		return -1;
	ret = check_resources(cg, &r, false, err);
	cg_res_free(&r);
	return ret;
}

int cgroup_create(const struct cgroup_opts *o, const struct spec *s, const char *id, pid_t pid,
		  struct cgroup **out, berr_t *err)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	_cleanup_free_ char *want = NULL;
	struct cg_res r;
	int ret = -1;

	*out = NULL;
	if (o && o->manager && !strcmp(o->manager, "disabled"))
		return 0;
	if (prepare(o, s, id, &r, &cg, err) < 0)
		return -1;
	if (cg_systemd_form(o))
		berth_log_warn("no systemd cgroup driver (systemd %s): using cgroupfs at %s",
			       access("/run/systemd/system", F_OK) ? "is not running" :
			       "D-Bus is not supported", cg->dirs[0].path);
	if (check_resources(cg, &r, false, err) < 0 || v2_wanted(cg, &r, &want, err) < 0)
		goto out;
	if (plan_tops(cg, err) < 0)
		goto out;
	if (o && o->planned && o->planned(cg, o->planned_arg, err) < 0)
		goto out;
	for (size_t i = 0; i < cg->n_dirs; i++)
		if (make_dirs(&cg->dirs[i], want, err) < 0)
			goto undo;
	if (apply_resources(cg, &r, err) < 0 || cgroup_enter(cg, pid, err) < 0)
		goto undo;
	*out = steal_ptr(cg);
	ret = 0;
	goto out;
undo:
	(void)cgroup_destroy(cg, NULL);
out:
	cg_res_free(&r);
	return ret;
}

int cgroup_update(struct cgroup *cg, const json_t *resources, berr_t *err)
{
	struct cg_res r;
	int ret;

	if (cg_res_parse(resources, &r, err) < 0)
		return -1;
	ret = cg_res_add_default_devices(&r, NULL, err);
	if (ret == 0)
		ret = apply_resources(cg, &r, err);
	cg_res_free(&r);
	return ret;
}

/* the container's other processes (exec) join the same cgroups */
int cgroup_enter(struct cgroup *cg, pid_t pid, berr_t *err)
{
	return cgroup_enter_some(cg, pid, true, true, err);
}

int cgroup_enter_some(struct cgroup *cg, pid_t pid, bool v1, bool v2, berr_t *err)
{
	for (size_t i = 0; pid > 0 && i < cg->n_dirs; i++) {
		bool is_v2 = (int)i == cg->unified;

		if ((is_v2 ? v2 : v1) &&
		    cg_writef(cg->dirs[i].path, "cgroup.procs", err, "%d", (int)pid) < 0)
			return -1;
	}
	return 0;
}

int cgroup_v2_fd(const struct cgroup *cg)
{
	if (cg->unified < 0)
		return -1;
	return open(cg->dirs[cg->unified].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* ---- destroy ------------------------------------------------------------------------ */

static void sleep_ms(long ms)
{
	nanosleep(&(struct timespec){ ms / 1000, (ms % 1000) * 1000000L }, NULL);
}

/* SIGKILL until no process is left, for at most 5 s */
static int kill_all(struct cgroup *cg, berr_t *err)
{
	for (int i = 0; i < 500; i++) {
		_cleanup_free_ pid_t *pids = NULL;
		size_t n = 0;

		if (cgroup_pids(cg, &pids, &n, err) < 0)
			return -1;
		if (n == 0)
			return 0;
		/* again now and then: a fork may have raced the first kill */
		if (i % 10 == 0)
			(void)cgroup_kill(cg, SIGKILL, NULL);
		sleep_ms(10);
	}
	return berr_set(err, EBUSY, "cgroup %s: processes left after SIGKILL", cg->dirs[0].path);
}

/* rmdir the leaf, then each parent up to the highest one we created; a
 * parent someone else is using now (EBUSY, ENOTEMPTY) stays */
static int remove_dir(const struct cg_dir *d, berr_t *err)
{
	char buf[PATH_MAX];
	size_t top = strlen(d->top);

	if (cg_rmdir_tree(d->path, err) < 0)
		return -1;
	snprintf(buf, sizeof(buf), "%s", d->path);
	for (char *slash; strlen(buf) > top && (slash = strrchr(buf, '/'));) {
		*slash = '\0';
		if (rmdir(buf) < 0 && errno != ENOENT) {
			if (errno == EBUSY || errno == ENOTEMPTY || errno == EEXIST)
				return 0;
			return berr_errno(err, "rmdir %s", buf);
		}
	}
	return 0;
}

int cgroup_destroy(struct cgroup *cg, berr_t *err)
{
	bool ours = false;
	int ret = 0;

	/* a joined cgroup is someone else's: its processes and directories stay */
	for (size_t i = 0; i < cg->n_dirs; i++)
		ours |= cg->dirs[i].top != NULL;
	if (!ours)
		return 0;
	{
		_cleanup_berr_ berr_t e = NULL;

		/* planned but never made (create was killed first): nothing to kill */
		if (kill_all(cg, &e) < 0 && e->errnum != ENOENT) {
			ret = -1;
			if (err) {
				*err = e;
				e = NULL;
			}
		}
	}
	for (size_t i = 0; i < cg->n_dirs; i++)
		if (cg->dirs[i].top && remove_dir(&cg->dirs[i], ret < 0 ? NULL : err) < 0)
			ret = -1;
	return ret;
}

/* ---- freeze, processes, signals -------------------------------------------------------- */

/* v1 freezer, else the cgroup2 core freezer (v2, or hybrid without v1 freezer) */
static const char *freezer(const struct cgroup *cg, bool *v2)
{
	const char *d = cg->mode == CG_MODE_V2 ? NULL : cg_v1_path(cg, "freezer");

	*v2 = !d;
	return d ? d : cg_v2_path(cg);
}

int cgroup_freeze(struct cgroup *cg, bool frozen, berr_t *err)
{
	bool v2;
	const char *d = freezer(cg, &v2);

	if (!d)
		return berr_fail(err, "%s: no freezer (neither a v1 freezer hierarchy nor cgroup2)",
				 frozen ? "pause" : "resume");
	return v2 ? cg_v2_freeze(d, frozen, err) : cg_v1_freeze(d, frozen, err);
}

bool cgroup_is_frozen(struct cgroup *cg)
{
	_cleanup_free_ char *s = NULL;
	bool v2;
	const char *d = freezer(cg, &v2);

	if (!d || cg_read(d, v2 ? "cgroup.freeze" : "freezer.state", &s, NULL) < 0)
		return false;
	return v2 ? s[0] == '1' : !strncmp(s, "FROZEN", 6);
}

int cgroup_pids(struct cgroup *cg, pid_t **pids, size_t *n, berr_t *err)
{
	static const char *const pref[] = { "pids", "freezer", "memory", "cpu", "devices" };
	const char *d = NULL;

	for (size_t i = 0; cg->mode != CG_MODE_V2 && !d && i < ARRAY_SIZE(pref); i++)
		d = cg_v1_path(cg, pref[i]);
	if (!d)
		d = cg_v2_path(cg) ? cg_v2_path(cg) : cg->dirs[0].path;
	return cg_read_pids(d, pids, n, err);
}

static int signal_each(struct cgroup *cg, int sig, berr_t *err)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n;

	if (cgroup_pids(cg, &pids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			return berr_errno(err, "kill %d", (int)pids[i]);
	return 0;
}

int cgroup_kill(struct cgroup *cg, int sig, berr_t *err)
{
	const char *u = cg_v2_path(cg), *fz;
	bool fz_v2;
	int ret;

	/* kernel 5.14+: the whole subtree at once, forks included (also in the
	 * hybrid cgroup2 directory, which holds every process of ours) */
	if (sig == SIGKILL && u && cg_exists(u, "cgroup.kill"))
		return cg_write(u, "cgroup.kill", "1", err);
	fz = freezer(cg, &fz_v2);
	if (sig != SIGKILL || !fz)
		return signal_each(cg, sig, err);
	/* frozen, nothing can fork between listing and killing; and a frozen
	 * v1 task only dies once thawed, so thaw whatever the state was */
	(void)(fz_v2 ? cg_v2_freeze : cg_v1_freeze)(fz, true, NULL);
	ret = signal_each(cg, sig, err);
	if ((fz_v2 ? cg_v2_freeze : cg_v1_freeze)(fz, false, ret < 0 ? NULL : err) < 0)
		ret = -1;
	return ret;
}

/* ---- stats and OOM ------------------------------------------------------------------ */

int cgroup_stats(struct cgroup *cg, json_t **stats, berr_t *err)
{
	json_t *o = json_object();
	int ret;

	*stats = NULL;
	if (!o)
		return berr_errno(err, "stats");
	ret = cg->mode == CG_MODE_V2 ? cg_v2_stats(cg_v2_path(cg), o, err) : cg_v1_stats(cg, o, err);
	if (ret < 0) {
		json_decref(o);
		return -1;
	}
	*stats = o;
	return 0;
}

static const char *memory_dir(const struct cgroup *cg, bool *v2)
{
	const char *d = cg->mode == CG_MODE_V2 ? NULL : cg_v1_path(cg, "memory");

	*v2 = !d;
	return d ? d : cg_v2_path(cg);
}

int cgroup_oom_count(struct cgroup *cg, uint64_t *count, berr_t *err)
{
	bool v2;
	const char *d = memory_dir(cg, &v2);

	if (!d)
		return berr_fail(err, "oom: no memory controller");
	return v2 ? cg_v2_oom_count(d, count, err) : cg_v1_oom_count(d, count, err);
}

int cgroup_oom_fd(struct cgroup *cg, berr_t *err)
{
	bool v2;
	const char *d = memory_dir(cg, &v2);

	if (!d)
		return berr_fail(err, "oom: no memory controller");
	return v2 ? cg_v2_oom_fd(d, err) : cg_v1_oom_fd(d, err);
}
