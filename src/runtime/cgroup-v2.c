/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup v2 (the unified hierarchy): v1-shaped linux.resources translated to
 * the v2 files, delegation of controllers, the core freezer, stats and OOM
 * events.  Also used in hybrid mode for controllers only cgroup2 has.
 */
#include "cgroup-internal.h"
#include "berth-runtime.h"
#include "../util/cleanup.h"

#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>

#define RES "linux.resources"

/* ---- conversions ---------------------------------------------------------------- */

/* v1 cpu.shares [2, 262144] -> v2 cpu.weight [1, 10000] (crun, runc) */
uint64_t cg_shares_to_weight(uint64_t shares)
{
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cg_weight_to_shares(uint64_t weight)
{
	if (weight < 1)
		weight = 1;
	if (weight > 10000)
		weight = 10000;
	return 2 + ((weight - 1) * 262142) / 9999;
}

/* blkio.weight [10, 1000] -> io.weight [1, 10000] */
uint64_t cg_blkio_to_io_weight(uint64_t w)
{
	if (w < 10)
		w = 10;
	return 1 + (w - 10) * 9999 / 990;
}

int cg_swap_v2(const struct cg_res *r, bool *set, int64_t *out, berr_t *err)
{
	int64_t limit = r->has_mem_limit ? r->mem_limit : 0;

	*set = false;
	/* as on v1: unlimited memory without a swap value means unlimited swap */
	if (limit == -1 && !r->has_mem_swap) {
		*set = true;
		*out = -1;
		return 0;
	}
	if (!r->has_mem_swap)
		return 0;
	*set = true;
	if (r->mem_swap == -1) {
		*out = -1;
		return 0;
	}
	if (limit <= 0)
		return berr_fail(err, RES ".memory.swap: cgroup v2 needs memory.limit to set a swap limit");
	*out = r->mem_swap - limit;
	return 0;
}

/* ---- checks that need no cgroup -------------------------------------------------- */

int cg_v2_check_memory(const struct cg_res *r, berr_t *err)
{
	bool set;
	int64_t swap;

	return cg_swap_v2(r, &set, &swap, err);
}

int cg_v2_check_cpu(const struct cg_res *r, berr_t *err)
{
	if (r->has_rt_runtime || r->has_rt_period)
		return berr_fail(err, RES ".cpu.%s: realtime CPU limits are not supported on cgroup v2",
				 r->has_rt_runtime ? "realtimeRuntime" : "realtimePeriod");
	return 0;
}

int cg_v2_check_network(const struct cg_res *r, berr_t *err)
{
	return berr_fail(err, RES ".network.%s: net_cls/net_prio are cgroup v1 controllers, not available on cgroup v2",
			 r->has_classid ? "classID" : "priorities");
}

/* ---- memory, cpu ------------------------------------------------------------------ */

static int write_max(const char *dir, const char *file, int64_t v, berr_t *err)
{
	if (v < 0)
		return cg_write(dir, file, "max", err);
	return cg_writef(dir, file, err, "%" PRId64, v);
}

static void warn_v1_only(const struct cg_res *r)
{
	static const struct { size_t off; const char *name; } f[] = {
		{ offsetof(struct cg_res, has_swappiness), "memory.swappiness" },
		{ offsetof(struct cg_res, has_kernel_tcp), "memory.kernelTCP" },
		{ offsetof(struct cg_res, has_oom_disable), "memory.disableOOMKiller" },
		{ offsetof(struct cg_res, has_use_hierarchy), "memory.useHierarchy" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		if (*(const bool *)((const char *)r + f[i].off))
			berth_log_warn(RES ".%s is ignored: cgroup v2 has no such setting", f[i].name);
}

int cg_v2_memory(const char *dir, const struct cg_res *r, berr_t *err)
{
	bool set = false;
	int64_t swap = 0;

	warn_v1_only(r);
	if (r->check_before_update && r->has_mem_limit && r->mem_limit > 0) {
		uint64_t usage;

		if (cg_read_u64(dir, "memory.current", &usage, err) < 0)
			return -1;
		if ((uint64_t)r->mem_limit < usage)
			return berr_fail(err, RES ".memory.limit: %" PRId64 " is below the current usage %" PRIu64 " (checkBeforeUpdate)",
					 r->mem_limit, usage);
	}
	if (cg_swap_v2(r, &set, &swap, err) < 0)
		return -1;
	/* no swap controller (swapaccount=0): only "max" is harmless to skip */
	if (set && !cg_exists(dir, "memory.swap.max")) {
		if (swap >= 0)
			return berr_fail(err, RES ".memory.swap: swap limits not supported by the kernel (no %s/memory.swap.max)",
					 dir);
		set = false;
	}
	if (set && write_max(dir, "memory.swap.max", swap, err) < 0)
		return -1;
	if (r->has_mem_limit && write_max(dir, "memory.max", r->mem_limit, err) < 0)
		return -1;
	if (r->has_mem_resv && write_max(dir, "memory.low", r->mem_resv, err) < 0)
		return -1;
	return 0;
}

/* cpu.max is "QUOTA PERIOD": keep the part the config does not give */
static int write_cpu_max(const char *dir, const struct cg_res *r, berr_t *err)
{
	_cleanup_free_ char *cur = NULL;
	char quota[32];

	if (r->has_quota && r->quota > 0)
		snprintf(quota, sizeof(quota), "%" PRId64, r->quota);
	else if (r->has_quota)
		strcpy(quota, "max");
	else if (cg_read(dir, "cpu.max", &cur, err) < 0)
		return -1;
	else
		snprintf(quota, sizeof(quota), "%.*s", (int)strcspn(cur, " \n"), cur);
	if (!r->has_period)
		return cg_write(dir, "cpu.max", quota, err);
	return cg_writef(dir, "cpu.max", err, "%s %" PRIu64, quota, r->period);
}

int cg_v2_cpu(const char *dir, const struct cg_res *r, berr_t *err)
{
	if (r->has_shares &&
	    cg_writef(dir, "cpu.weight", err, "%" PRIu64, cg_shares_to_weight(r->shares)) < 0)
		return -1;
	if ((r->has_quota || r->has_period) && write_cpu_max(dir, r, err) < 0)
		return -1;
	if (r->has_burst && cg_writef(dir, "cpu.max.burst", err, "%" PRIu64, r->burst) < 0)
		return -1;
	if (r->has_idle && cg_writef(dir, "cpu.idle", err, "%" PRId64, r->idle) < 0)
		return -1;
	return 0;
}

/* ---- io, hugetlb, devices, unified ---------------------------------------------------- */

static int io_weight(const char *dir, const struct cg_res *r, berr_t *err)
{
	bool bfq = cg_exists(dir, "io.bfq.weight"), leaf = r->blk_leaf_weight != 0;
	const char *file = bfq ? "io.bfq.weight" : "io.weight";
	struct cg_lines l = { 0 };

	/* BFQ takes blkio's 10..1000 as is; io.weight is 1..10000 */
	if (r->blk_weight)
		cg_lines_add(&l, "default %" PRIu64,
			     bfq ? r->blk_weight : cg_blkio_to_io_weight(r->blk_weight));
	for (size_t i = 0; i < r->n_wdev; i++) {
		const struct cg_blk_weight *d = &r->wdev[i];

		leaf |= d->leaf_weight != 0;
		if (d->weight)
			cg_lines_add(&l, "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
				     bfq ? d->weight : cg_blkio_to_io_weight(d->weight));
	}
	if (leaf)
		berth_log_warn(RES ".blockIO leaf weights are ignored: cgroup v2 has none");
	if (l.n && !bfq && !cg_exists(dir, file)) {
		cg_lines_free(&l);
		return berr_fail(err, RES ".blockIO.weight: io weight not supported by the kernel (no io.weight / io.bfq.weight in %s)",
				 dir);
	}
	return cg_write_lines(dir, file, &l, err);
}

int cg_v2_io(const char *dir, const struct cg_res *r, berr_t *err)
{
	static const char *const key[CG_THR_N] = { "rbps", "wbps", "riops", "wiops" };
	struct cg_lines l = { 0 };

	if (io_weight(dir, r, err) < 0)
		return -1;
	for (int k = 0; k < CG_THR_N; k++) {
		for (size_t i = 0; i < r->n_thr[k]; i++) {
			const struct cg_blk_rate *t = &r->thr[k][i];

			/* 0 removes the limit, as it does on v1 */
			if (t->rate)
				cg_lines_add(&l, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, t->major,
					     t->minor, key[k], t->rate);
			else
				cg_lines_add(&l, "%" PRId64 ":%" PRId64 " %s=max", t->major,
					     t->minor, key[k]);
		}
	}
	return cg_write_lines(dir, "io.max", &l, err);
}

int cg_v2_hugetlb(const char *dir, const struct cg_res *r, berr_t *err)
{
	for (size_t i = 0; i < r->n_huge; i++) {
		char file[64];

		snprintf(file, sizeof(file), "hugetlb.%s.max", r->huge[i].size);
		if (!cg_exists(dir, file))
			return berr_fail(err, RES ".hugepageLimits[%zu].pageSize: no %s huge pages on this kernel (no %s/%s)",
					 i, r->huge[i].size, dir, file);
		if (cg_writef(dir, file, err, "%" PRIu64, r->huge[i].limit) < 0)
			return -1;
		snprintf(file, sizeof(file), "hugetlb.%s.rsvd.max", r->huge[i].size);
		if (cg_exists(dir, file) && cg_writef(dir, file, err, "%" PRIu64, r->huge[i].limit) < 0)
			return -1;
	}
	return 0;
}

int cg_v2_devices(const char *dir, const struct cg_res *r, berr_t *err)
{
	return cg_bpf_apply(dir, r->dev, r->n_dev, err);
}

int cg_v2_unified(const char *dir, const struct cg_res *r, berr_t *err)
{
	for (size_t i = 0; i < r->n_unified; i++)
		if (cg_write(dir, r->unified[i].key, r->unified[i].value, err) < 0)
			return berr_prefix(err, RES ".unified.%s", r->unified[i].key);
	return 0;
}

/* ---- delegation ------------------------------------------------------------------------ */

int cg_v2_enable(const char *dir, const char *want, berr_t *err)
{
	_cleanup_free_ char *avail = NULL, *on = NULL, *all = NULL;
	char buf[512] = "", *save = NULL;
	int ret;

	ret = cg_read(dir, "cgroup.controllers", &avail, err);
	if (ret == -ENOENT) {   /* not a cgroup: a bare test directory */
		berr_free(err);
		return 0;
	}
	if (ret < 0 || cg_read(dir, "cgroup.subtree_control", &on, err) < 0)
		return -1;
	avail[strcspn(avail, "\n")] = on[strcspn(on, "\n")] = '\0';
	all = strdup(want ? want : avail);
	if (!all)
		return berr_errno(err, "enable controllers");
	for (char *c = strtok_r(all, " ", &save); c; c = strtok_r(NULL, " ", &save))
		if (cg_list_has(avail, c, ' ') && !cg_list_has(on, c, ' '))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s+%s", *buf ? " " : "", c);
	if (!*buf || cg_write(dir, "cgroup.subtree_control", buf, NULL) == 0)
		return 0;
	/* one refused controller (e.g. cpu with realtime tasks about) should not
	 * cost the others; what is missing in the end fails with its field */
	save = NULL;
	for (char *c = strtok_r(buf, " ", &save); c; c = strtok_r(NULL, " ", &save))
		(void)cg_write(dir, "cgroup.subtree_control", c, NULL);
	return 0;
}

/* ---- freezer ----------------------------------------------------------------------------- */

int cg_v2_freeze(const char *dir, bool frozen, berr_t *err)
{
	if (cg_write(dir, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
		return -1;
	if (!frozen)
		return 0;
	/* the write only asks; cgroup.events says when every task stopped */
	for (int i = 0; i < 1000; i++) {
		_cleanup_free_ char *ev = NULL;
		uint64_t v = 0;

		if (cg_read(dir, "cgroup.events", &ev, err) < 0)
			return -1;
		if (cg_keyed_u64(ev, "frozen", &v) == 0 && v == 1)
			return 0;
		nanosleep(&(struct timespec){ 0, 5 * 1000 * 1000 }, NULL);
	}
	(void)cg_write(dir, "cgroup.freeze", "0", NULL);
	return berr_set(err, EBUSY, "freeze %s: cgroup.events not \"frozen 1\" after 5 s", dir);
}

/* ---- stats ------------------------------------------------------------------------------- */

static json_t *stat_get(json_t *st, const char *key, uint64_t mul)
{
	return cg_json_u64((uint64_t)json_integer_value(json_object_get(st, key)) * mul);
}

static json_t *cpu_stats(const char *dir)
{
	json_t *st = cg_json_keyed(dir, "cpu.stat");
	json_t *o = json_pack("{s:{s:o, s:o, s:o}, s:{s:o, s:o, s:o}}",
			      "usage", "total", stat_get(st, "usage_usec", 1000),
			      "kernel", stat_get(st, "system_usec", 1000),
			      "user", stat_get(st, "user_usec", 1000),
			      "throttling", "periods", stat_get(st, "nr_periods", 1),
			      "throttledPeriods", stat_get(st, "nr_throttled", 1),
			      "throttledTime", stat_get(st, "throttled_usec", 1000));

	json_decref(st);
	return o;
}

static uint64_t events_max(const char *dir, const char *file)
{
	_cleanup_free_ char *ev = NULL;
	uint64_t v = 0;

	if (cg_read(dir, file, &ev, NULL) == 0)
		(void)cg_keyed_u64(ev, "max", &v);
	return v;
}

static json_t *memory_stats(const char *dir)
{
	json_t *raw = cg_json_keyed(dir, "memory.stat"), *file = json_object_get(raw, "file");
	uint64_t cur = cg_u64_or_0(dir, "memory.current"), max = cg_u64_or_0(dir, "memory.max");
	uint64_t scur = cg_u64_or_0(dir, "memory.swap.current");
	uint64_t smax = cg_u64_or_0(dir, "memory.swap.max");

	/* v1 reports swap as memory+swap; so does runc on v2 */
	return json_pack("{s:o, s:{s:o, s:o, s:o, s:o}, s:{s:o, s:o, s:o}, s:o}",
			 "cache", file ? json_incref(file) : json_integer(0),
			 "usage", "limit", cg_json_u64(max), "usage", cg_json_u64(cur),
			 "max", cg_json_u64(cg_u64_or_0(dir, "memory.peak")),
			 "failcnt", cg_json_u64(events_max(dir, "memory.events")),
			 "swap", "limit", cg_json_u64(smax == UINT64_MAX || max == UINT64_MAX ?
						      UINT64_MAX : smax + max),
			 "usage", cg_json_u64(scur + cur),
			 "failcnt", cg_json_u64(events_max(dir, "memory.swap.events")),
			 "raw", raw);
}

/* io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=5 dios=6" */
static json_t *io_stats(const char *dir)
{
	_cleanup_free_ char *text = NULL;
	json_t *bytes = json_array(), *ios = json_array();
	char *save = NULL;

	if (cg_read(dir, "io.stat", &text, NULL) == 0) {
		for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			unsigned long long maj, min, rb = 0, wb = 0, ri = 0, wi = 0;
			char *p;

			if (sscanf(l, "%llu:%llu", &maj, &min) != 2)
				continue;
			if ((p = strstr(l, "rbytes=")))
				rb = strtoull(p + 7, NULL, 10);
			if ((p = strstr(l, "wbytes=")))
				wb = strtoull(p + 7, NULL, 10);
			if ((p = strstr(l, "rios=")))
				ri = strtoull(p + 5, NULL, 10);
			if ((p = strstr(l, "wios=")))
				wi = strtoull(p + 5, NULL, 10);
			json_array_append_new(bytes, cg_blkio_entry(maj, min, "Read", rb));
			json_array_append_new(bytes, cg_blkio_entry(maj, min, "Write", wb));
			json_array_append_new(ios, cg_blkio_entry(maj, min, "Read", ri));
			json_array_append_new(ios, cg_blkio_entry(maj, min, "Write", wi));
		}
	}
	return json_pack("{s:o, s:o}", "ioServiceBytesRecursive", bytes, "ioServicedRecursive", ios);
}

int cg_v2_hugetlb_stats(const char *dir, json_t *stats, berr_t *err)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	json_t *o = json_object();

	if (!d) {
		json_decref(o);
		return berr_errno(err, "stats %s", dir);
	}
	for (struct dirent *de; (de = readdir(d));) {
		char size[16], f[2][80];
		size_t n = strlen(de->d_name);

		/* hugetlb.<size>.current, not .rsvd.current */
		if (strncmp(de->d_name, "hugetlb.", 8) || n < 17 ||
		    strcmp(de->d_name + n - 8, ".current") || strstr(de->d_name, ".rsvd.") ||
		    n - 16 >= sizeof(size))
			continue;
		snprintf(size, sizeof(size), "%.*s", (int)(n - 16), de->d_name + 8);
		snprintf(f[0], sizeof(f[0]), "hugetlb.%s.current", size);
		snprintf(f[1], sizeof(f[1]), "hugetlb.%s.events", size);
		json_object_set_new(o, size, json_pack("{s:o, s:o}",
			"usage", cg_json_u64(cg_u64_or_0(dir, f[0])),
			"failcnt", cg_json_u64(events_max(dir, f[1]))));
	}
	json_object_set_new(stats, "hugetlb", o);
	return 0;
}

int cg_v2_stats(const char *dir, json_t *o, berr_t *err)
{
	uint64_t max = cg_u64_or_0(dir, "pids.max");

	if (access(dir, F_OK) < 0)
		return berr_errno(err, "stats %s", dir);
	json_object_set_new(o, "cpu", cpu_stats(dir));
	json_object_set_new(o, "memory", memory_stats(dir));
	json_object_set_new(o, "pids", json_pack("{s:o}", "current",
				cg_json_u64(cg_u64_or_0(dir, "pids.current"))));
	if (max && max != UINT64_MAX)
		json_object_set_new(json_object_get(o, "pids"), "limit", cg_json_u64(max));
	json_object_set_new(o, "blkio", io_stats(dir));
	return cg_v2_hugetlb_stats(dir, o, err);
}

/* ---- OOM ------------------------------------------------------------------------------------ */

int cg_v2_oom_count(const char *dir, uint64_t *count, berr_t *err)
{
	_cleanup_free_ char *ev = NULL;

	if (cg_read(dir, "memory.events", &ev, err) < 0)
		return -1;
	if (cg_keyed_u64(ev, "oom_kill", count) < 0)
		*count = 0;
	return 0;
}

/* memory.events changes (an inotify IN_MODIFY) on every OOM event; the
 * reader compares cgroup_oom_count() to know it was a kill */
int cg_v2_oom_fd(const char *dir, berr_t *err)
{
	_cleanup_close_ int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	char path[PATH_MAX];

	if (fd < 0)
		return berr_errno(err, "inotify_init1");
	snprintf(path, sizeof(path), "%s/memory.events", dir);
	if (inotify_add_watch(fd, path, IN_MODIFY) < 0)
		return berr_errno(err, "inotify_add_watch %s", path);
	return steal_fd(fd);
}
