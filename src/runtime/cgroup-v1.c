/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup v1: one directory per controller hierarchy.  Resource setters
 * (called with the directory of the hierarchy holding the controller),
 * freezer, stats and OOM notification.
 */
#include "cgroup-internal.h"
#include "../util/cleanup.h"

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define RES "linux.resources"

/* ---- memory ----------------------------------------------------------------------- */

static int write_bytes(const char *dir, const char *file, int64_t v, berr_t *err)
{
	int ret = cg_writef(dir, file, err, "%" PRId64, v);

	/* the kernel could not reclaim down to the new limit */
	if (ret == -EBUSY && !strcmp(file, "memory.limit_in_bytes"))
		return berr_set(err, EBUSY, "write %s/%s: limit %" PRId64 " is below the memory in use (%" PRIu64 " bytes)",
				dir, file, v, cg_u64_or_0(dir, "memory.usage_in_bytes"));
	return ret;
}

/*
 * memory.limit_in_bytes <= memory.memsw.limit_in_bytes must hold after each
 * write: raising both needs memsw first, lowering both memory first.  Pick
 * by the current memsw value; on EINVAL try the other order (as runc).
 */
static int write_limit_and_swap(const char *dir, int64_t limit, int64_t swap, berr_t *err)
{
	static const char *const files[2] = { "memory.limit_in_bytes", "memory.memsw.limit_in_bytes" };
	const int64_t vals[2] = { limit, swap };
	uint64_t cur_memsw;
	int first, ret;

	if (cg_read_u64(dir, files[1], &cur_memsw, err) < 0)
		return -1;
	first = limit != -1 && (uint64_t)limit <= cur_memsw ? 0 : 1;
	ret = write_bytes(dir, files[first], vals[first], err);
	if (ret == -EINVAL) {
		berr_free(err);
		first = !first;
		ret = write_bytes(dir, files[first], vals[first], err);
	}
	if (ret < 0)
		return ret;
	return write_bytes(dir, files[!first], vals[!first], err);
}

static int set_limit_swap(const char *dir, const struct cg_res *r, berr_t *err)
{
	bool has_memsw = cg_exists(dir, "memory.memsw.limit_in_bytes");
	int64_t limit = r->has_mem_limit ? r->mem_limit : 0;
	int64_t swap = r->has_mem_swap ? r->mem_swap : 0;

	/* unlimited memory, swap not given: unlimited swap too (runc) */
	if (limit == -1 && !r->has_mem_swap && has_memsw)
		swap = -1;
	if (swap && !has_memsw)
		return berr_fail(err, RES ".memory.swap: swap accounting is off in the kernel (no %s/memory.memsw.limit_in_bytes)",
				 dir);
	if (limit && swap)
		return write_limit_and_swap(dir, limit, swap, err);
	if (limit)
		return write_bytes(dir, "memory.limit_in_bytes", limit, err);
	if (swap)
		return write_bytes(dir, "memory.memsw.limit_in_bytes", swap, err);
	return 0;
}

int cg_v1_memory(const char *dir, const struct cg_res *r, berr_t *err)
{
	if (r->check_before_update && r->has_mem_limit && r->mem_limit > 0) {
		uint64_t usage;

		if (cg_read_u64(dir, "memory.usage_in_bytes", &usage, err) < 0)
			return -1;
		if ((uint64_t)r->mem_limit < usage)
			return berr_fail(err, RES ".memory.limit: %" PRId64 " is below the current usage %" PRIu64 " (checkBeforeUpdate)",
					 r->mem_limit, usage);
	}
	if (set_limit_swap(dir, r, err) < 0)
		return -1;
	if (r->has_mem_resv && write_bytes(dir, "memory.soft_limit_in_bytes", r->mem_resv, err) < 0)
		return -1;
	if (r->has_kernel_tcp &&
	    write_bytes(dir, "memory.kmem.tcp.limit_in_bytes", r->kernel_tcp, err) < 0)
		return -1;
	if (r->has_swappiness &&
	    cg_writef(dir, "memory.swappiness", err, "%" PRIu64, r->swappiness) < 0)
		return -1;
	if (r->has_oom_disable &&
	    cg_write(dir, "memory.oom_control", r->oom_disable ? "1" : "0", err) < 0)
		return -1;
	if (r->has_use_hierarchy &&
	    cg_write(dir, "memory.use_hierarchy", r->use_hierarchy ? "1" : "0", err) < 0)
		return -1;
	return 0;
}

/* ---- cpu, cpuset, pids -------------------------------------------------------------- */

static int set_period_quota(const char *dir, const struct cg_res *r, berr_t *err)
{
	int ret = 0;

	if (r->has_period) {
		ret = cg_writef(dir, "cpu.cfs_period_us", err, "%" PRIu64, r->period);
		/* a shorter period can break the old quota's ratio against the
		 * parent: then the quota goes first (runc) */
		if (ret == -EINVAL && r->has_quota) {
			berr_free(err);
			if (cg_writef(dir, "cpu.cfs_quota_us", err, "%" PRId64, r->quota) < 0)
				return -1;
			ret = cg_writef(dir, "cpu.cfs_period_us", err, "%" PRIu64, r->period);
		}
	}
	if (ret == 0 && r->has_quota)
		ret = cg_writef(dir, "cpu.cfs_quota_us", err, "%" PRId64, r->quota);
	return ret;
}

int cg_v1_cpu(const char *dir, const struct cg_res *r, berr_t *err)
{
	if (r->has_shares && cg_writef(dir, "cpu.shares", err, "%" PRIu64, r->shares) < 0)
		return -1;
	if (set_period_quota(dir, r, err) < 0)
		return -1;
	/* after the quota: burst may not exceed it */
	if (r->has_burst && cg_writef(dir, "cpu.cfs_burst_us", err, "%" PRIu64, r->burst) < 0)
		return -1;
	if (r->has_rt_period &&
	    cg_writef(dir, "cpu.rt_period_us", err, "%" PRIu64, r->rt_period) < 0)
		return -1;
	if (r->has_rt_runtime &&
	    cg_writef(dir, "cpu.rt_runtime_us", err, "%" PRId64, r->rt_runtime) < 0)
		return -1;
	if (r->has_idle && cg_writef(dir, "cpu.idle", err, "%" PRId64, r->idle) < 0)
		return -1;
	return 0;
}

/* same file names on v2 */
int cg_v1_cpuset(const char *dir, const struct cg_res *r, berr_t *err)
{
	if (r->cpus && cg_write(dir, "cpuset.cpus", r->cpus, err) < 0)
		return -1;
	if (r->mems && cg_write(dir, "cpuset.mems", r->mems, err) < 0)
		return -1;
	return 0;
}

int cg_v1_cpuset_inherit(const char *dir, berr_t *err)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	_cleanup_free_ char *parent = strdup(dir);

	if (!parent || !strrchr(parent, '/'))
		return berr_errno(err, "cpuset %s", dir);
	*strrchr(parent, '/') = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *cur = NULL, *val = NULL;

		if (cg_read(dir, files[i], &cur, err) < 0)
			return -1;
		if (cur[strspn(cur, " \n")])
			continue;
		if (cg_read(parent, files[i], &val, err) < 0)
			return -1;
		val[strcspn(val, "\n")] = '\0';
		if (cg_write(dir, files[i], val, err) < 0)
			return -1;
	}
	return 0;
}

int cg_v1_pids(const char *dir, const struct cg_res *r, berr_t *err)
{
	if (r->pids_limit < 0)
		return cg_write(dir, "pids.max", "max", err);
	return cg_writef(dir, "pids.max", err, "%" PRId64, r->pids_limit);
}

/* ---- blkio ---------------------------------------------------------------------------- */

static int blkio_weight_devices(const char *dir, const struct cg_res *r, const char *wfile,
				berr_t *err)
{
	struct cg_lines w = { 0 }, lw = { 0 };
	char file[64];

	for (size_t i = 0; i < r->n_wdev; i++) {
		const struct cg_blk_weight *d = &r->wdev[i];

		if (d->weight)
			cg_lines_add(&w, "%" PRId64 ":%" PRId64 " %u", d->major, d->minor, d->weight);
		if (d->leaf_weight)
			cg_lines_add(&lw, "%" PRId64 ":%" PRId64 " %u", d->major, d->minor,
				     d->leaf_weight);
	}
	if (w.n && !wfile) {
		cg_lines_free(&w);
		cg_lines_free(&lw);
		return berr_fail(err, RES ".blockIO.weightDevice: not supported by the kernel (no blkio.weight_device / blkio.bfq.weight_device)");
	}
	snprintf(file, sizeof(file), "%s_device", wfile ? wfile : "blkio.weight");
	if (cg_write_lines(dir, file, &w, err) < 0) {
		cg_lines_free(&lw);
		return -1;
	}
	return cg_write_lines(dir, "blkio.leaf_weight_device", &lw, err);
}

int cg_v1_blkio(const char *dir, const struct cg_res *r, berr_t *err)
{
	static const char *const thr[CG_THR_N] = {
		"blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
		"blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device",
	};
	/* CFQ had blkio.weight; with BFQ it is blkio.bfq.weight; with neither
	 * scheduler there is no proportional weight at all */
	const char *wfile = cg_exists(dir, "blkio.weight") ? "blkio.weight" :
			    cg_exists(dir, "blkio.bfq.weight") ? "blkio.bfq.weight" : NULL;

	if (r->blk_weight && !wfile)
		return berr_fail(err, RES ".blockIO.weight: blkio weight not supported by the kernel (no blkio.weight / blkio.bfq.weight)");
	if (r->blk_weight && cg_writef(dir, wfile, err, "%u", r->blk_weight) < 0)
		return -1;
	if (r->blk_leaf_weight && !cg_exists(dir, "blkio.leaf_weight"))
		return berr_fail(err, RES ".blockIO.leafWeight: not supported by the kernel (no blkio.leaf_weight)");
	if (r->blk_leaf_weight &&
	    cg_writef(dir, "blkio.leaf_weight", err, "%u", r->blk_leaf_weight) < 0)
		return -1;
	if (blkio_weight_devices(dir, r, wfile, err) < 0)
		return -1;
	for (int k = 0; k < CG_THR_N; k++) {
		struct cg_lines l = { 0 };

		for (size_t i = 0; i < r->n_thr[k]; i++)
			cg_lines_add(&l, "%" PRId64 ":%" PRId64 " %" PRIu64, r->thr[k][i].major,
				     r->thr[k][i].minor, r->thr[k][i].rate);
		if (cg_write_lines(dir, thr[k], &l, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- hugetlb, net_cls, net_prio, rdma --------------------------------------------------- */

int cg_v1_hugetlb(const char *dir, const struct cg_res *r, berr_t *err)
{
	for (size_t i = 0; i < r->n_huge; i++) {
		char file[64];

		snprintf(file, sizeof(file), "hugetlb.%s.limit_in_bytes", r->huge[i].size);
		if (!cg_exists(dir, file))
			return berr_fail(err, RES ".hugepageLimits[%zu].pageSize: no %s huge pages on this kernel (no %s/%s)",
					 i, r->huge[i].size, dir, file);
		if (cg_writef(dir, file, err, "%" PRIu64, r->huge[i].limit) < 0)
			return -1;
		/* reservations are charged separately: limit them alike */
		snprintf(file, sizeof(file), "hugetlb.%s.rsvd.limit_in_bytes", r->huge[i].size);
		if (cg_exists(dir, file) && cg_writef(dir, file, err, "%" PRIu64, r->huge[i].limit) < 0)
			return -1;
	}
	return 0;
}

int cg_v1_net_cls(const char *dir, const struct cg_res *r, berr_t *err)
{
	return cg_writef(dir, "net_cls.classid", err, "%" PRIu32, r->classid);
}

int cg_v1_net_prio(const char *dir, const struct cg_res *r, berr_t *err)
{
	struct cg_lines l = { 0 };

	for (size_t i = 0; i < r->n_prio; i++)
		cg_lines_add(&l, "%s %" PRIu32, r->prio[i].ifname, r->prio[i].prio);
	return cg_write_lines(dir, "net_prio.ifpriomap", &l, err);
}

/* "mlx4_0 hca_handle=2 hca_object=2000"; same in v2 rdma.max */
int cg_v1_rdma(const char *dir, const struct cg_res *r, berr_t *err)
{
	struct cg_lines l = { 0 };

	for (size_t i = 0; i < r->n_rdma; i++) {
		const struct cg_rdma *d = &r->rdma[i];
		char h[32] = "", o[32] = "";

		if (d->has_handles)
			snprintf(h, sizeof(h), " hca_handle=%" PRIu32, d->handles);
		if (d->has_objects)
			snprintf(o, sizeof(o), " hca_object=%" PRIu32, d->objects);
		cg_lines_add(&l, "%s%s%s", d->dev, h, o);
	}
	return cg_write_lines(dir, "rdma.max", &l, err);
}

/* ---- devices -------------------------------------------------------------------------- */

static bool dev_rule_all(const struct cg_dev_rule *d)
{
	return d->type == 'a' && d->major < 0 && d->minor < 0 && d->access == CG_ACC_ALL;
}

static void dev_rule_text(const struct cg_dev_rule *d, char type, char *buf, size_t n)
{
	char maj[24] = "*", min[24] = "*", acc[4] = "";

	if (d->major >= 0)
		snprintf(maj, sizeof(maj), "%" PRId64, d->major);
	if (d->minor >= 0)
		snprintf(min, sizeof(min), "%" PRId64, d->minor);
	if (d->access & CG_ACC_R)
		strcat(acc, "r");
	if (d->access & CG_ACC_W)
		strcat(acc, "w");
	if (d->access & CG_ACC_M)
		strcat(acc, "m");
	snprintf(buf, n, "%c %s:%s %s", type, maj, min, acc);
}

struct dev_files {
	const char *dir;
	int fd[2];                    /* devices.deny, devices.allow */
};

static int dev_write(struct dev_files *f, bool allow, const char *rule, berr_t *err)
{
	static const char *const names[2] = { "devices.deny", "devices.allow" };
	ssize_t n;

	if (f->fd[allow] < 0) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s", f->dir, names[allow]);
		f->fd[allow] = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
		if (f->fd[allow] < 0)
			return berr_errno(err, "open %s", path);
	}
	do
		n = write(f->fd[allow], rule, strlen(rule));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return berr_errno(err, "write %s/%s \"%s\"", f->dir, names[allow], rule);
	return 0;
}

/*
 * The rules in order, each a write to devices.allow or devices.deny.  A
 * leading deny-all starts from nothing (runc); "a" with a device number or
 * fewer accesses cannot be said in v1, so it becomes the same rule for
 * 'c' and for 'b'.
 */
int cg_v1_devices(const char *dir, const struct cg_res *r, berr_t *err)
{
	struct dev_files f = { dir, { -1, -1 } };
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < r->n_dev; i++) {
		const struct cg_dev_rule *d = &r->dev[i];
		char buf[64];

		if (dev_rule_all(d)) {
			ret = dev_write(&f, d->allow, "a", err);
			continue;
		}
		for (const char *t = d->type == 'a' ? "cb" : (char[]){ d->type, 0 }; ret == 0 && *t;
		     t++) {
			dev_rule_text(d, *t, buf, sizeof(buf));
			ret = dev_write(&f, d->allow, buf, err);
		}
	}
	for (int i = 0; i < 2; i++)
		if (f.fd[i] >= 0)
			close(f.fd[i]);
	return ret;
}

/* ---- freezer ---------------------------------------------------------------------------- */

int cg_v1_freeze(const char *dir, bool frozen, berr_t *err)
{
	const char *want = frozen ? "FROZEN" : "THAWED";
	_cleanup_free_ char *state = NULL;

	for (int i = 0; i < 1000; i++) {
		/* FREEZING is transient, but a freeze can get stuck behind a task
		 * in uninterruptible sleep: ask again now and then (runc too) */
		if (i % 100 == 0) {
			if (frozen && i > 0)
				(void)cg_write(dir, "freezer.state", "THAWED", NULL);
			if (cg_write(dir, "freezer.state", want, err) < 0)
				return -1;
		}
		free(state);
		state = NULL;
		if (cg_read(dir, "freezer.state", &state, err) < 0)
			return -1;
		if (!strncmp(state, want, strlen(want)))
			return 0;
		nanosleep(&(struct timespec){ 0, 5 * 1000 * 1000 }, NULL);
	}
	if (frozen)
		(void)cg_write(dir, "freezer.state", "THAWED", NULL);
	state[strcspn(state, "\n")] = '\0';
	return berr_set(err, EBUSY, "freeze %s: freezer.state still %s after 5 s", dir, state);
}

/* ---- stats -------------------------------------------------------------------------------- */

static json_t *cpu_stats(const char *acct, const char *cpu)
{
	json_t *usage = json_object(), *thr = json_object(), *percpu = json_array();
	_cleanup_free_ char *text = NULL;
	long tck = sysconf(_SC_CLK_TCK);

	if (acct) {
		json_object_set_new(usage, "total", cg_json_u64(cg_u64_or_0(acct, "cpuacct.usage")));
		if (cg_read(acct, "cpuacct.usage_percpu", &text, NULL) == 0)
			for (char *p = text, *end; ; p = end) {
				uint64_t v = strtoull(p, &end, 10);

				if (end == p)
					break;
				json_array_append_new(percpu, cg_json_u64(v));
			}
		json_object_set(usage, "percpu", percpu);
		if (cg_exists(acct, "cpuacct.usage_sys")) {
			json_object_set_new(usage, "kernel",
					    cg_json_u64(cg_u64_or_0(acct, "cpuacct.usage_sys")));
			json_object_set_new(usage, "user",
					    cg_json_u64(cg_u64_or_0(acct, "cpuacct.usage_user")));
		} else {   /* cpuacct.stat counts USER_HZ ticks */
			json_t *st = cg_json_keyed(acct, "cpuacct.stat");
			uint64_t ns = tck > 0 ? 1000000000ULL / (uint64_t)tck : 0;

			json_object_set_new(usage, "kernel", cg_json_u64(
				(uint64_t)json_integer_value(json_object_get(st, "system")) * ns));
			json_object_set_new(usage, "user", cg_json_u64(
				(uint64_t)json_integer_value(json_object_get(st, "user")) * ns));
			json_decref(st);
		}
	}
	json_decref(percpu);
	if (cpu) {
		json_t *st = cg_json_keyed(cpu, "cpu.stat");

		json_object_set(thr, "periods", json_object_get(st, "nr_periods"));
		json_object_set(thr, "throttledPeriods", json_object_get(st, "nr_throttled"));
		json_object_set(thr, "throttledTime", json_object_get(st, "throttled_time"));
		json_decref(st);
	}
	return json_pack("{s:o, s:o}", "usage", usage, "throttling", thr);
}

/* runc's MemoryEntry from memory.<prefix>{limit_in_bytes,usage_in_bytes,...} */
static json_t *mem_entry(const char *dir, const char *prefix)
{
	char f[4][80];

	snprintf(f[0], sizeof(f[0]), "%slimit_in_bytes", prefix);
	snprintf(f[1], sizeof(f[1]), "%susage_in_bytes", prefix);
	snprintf(f[2], sizeof(f[2]), "%smax_usage_in_bytes", prefix);
	snprintf(f[3], sizeof(f[3]), "%sfailcnt", prefix);
	return json_pack("{s:o, s:o, s:o, s:o}", "limit", cg_json_u64(cg_u64_or_0(dir, f[0])),
			 "usage", cg_json_u64(cg_u64_or_0(dir, f[1])), "max",
			 cg_json_u64(cg_u64_or_0(dir, f[2])), "failcnt",
			 cg_json_u64(cg_u64_or_0(dir, f[3])));
}

static json_t *memory_stats(const char *dir)
{
	json_t *raw = cg_json_keyed(dir, "memory.stat");
	json_t *cache = json_object_get(raw, "cache");

	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "cache",
			 cache ? json_incref(cache) : json_integer(0),
			 "usage", mem_entry(dir, "memory."), "swap", mem_entry(dir, "memory.memsw."),
			 "kernel", mem_entry(dir, "memory.kmem."), "kernelTCP",
			 mem_entry(dir, "memory.kmem.tcp."), "raw", raw);
}

/* "8:0 Read 4096" lines ("Total N" skipped) */
static json_t *blkio_list(const char *dir, const char *file)
{
	_cleanup_free_ char *text = NULL;
	json_t *a = json_array();
	char *save = NULL;

	if (!a || cg_read(dir, file, &text, NULL) < 0)
		return a;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		unsigned long long maj, min, v;
		char op[16];

		if (sscanf(l, "%llu:%llu %15s %llu", &maj, &min, op, &v) == 4)
			json_array_append_new(a, cg_blkio_entry(maj, min, op, v));
	}
	return a;
}

static json_t *blkio_stats(const char *dir)
{
	/* CFQ, then BFQ, then throttling: whichever the kernel keeps */
	static const char *const pfx[] = { "blkio.", "blkio.bfq.", "blkio.throttle." };
	char bytes[80], ios[80];

	for (size_t i = 0; i < ARRAY_SIZE(pfx); i++) {
		snprintf(bytes, sizeof(bytes), "%sio_service_bytes_recursive", pfx[i]);
		snprintf(ios, sizeof(ios), "%sio_serviced_recursive", pfx[i]);
		if (cg_exists(dir, bytes))
			break;
	}
	return json_pack("{s:o, s:o}", "ioServiceBytesRecursive", blkio_list(dir, bytes),
			 "ioServicedRecursive", blkio_list(dir, ios));
}

static json_t *hugetlb_stats(const char *dir)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	json_t *o = json_object();

	for (struct dirent *de; d && (de = readdir(d));) {
		char size[16], f[3][80];
		size_t n;

		/* hugetlb.<size>.limit_in_bytes names the sizes */
		if (strncmp(de->d_name, "hugetlb.", 8) || strstr(de->d_name, ".rsvd.") ||
		    (n = strlen(de->d_name)) < 24 || strcmp(de->d_name + n - 15, ".limit_in_bytes") ||
		    n - 23 >= sizeof(size))
			continue;
		snprintf(size, sizeof(size), "%.*s", (int)(n - 23), de->d_name + 8);
		snprintf(f[0], sizeof(f[0]), "hugetlb.%s.usage_in_bytes", size);
		snprintf(f[1], sizeof(f[1]), "hugetlb.%s.max_usage_in_bytes", size);
		snprintf(f[2], sizeof(f[2]), "hugetlb.%s.failcnt", size);
		json_object_set_new(o, size, json_pack("{s:o, s:o, s:o}",
			"usage", cg_json_u64(cg_u64_or_0(dir, f[0])),
			"max", cg_json_u64(cg_u64_or_0(dir, f[1])),
			"failcnt", cg_json_u64(cg_u64_or_0(dir, f[2]))));
	}
	return o;
}

int cg_v1_stats(const struct cgroup *cg, json_t *o, berr_t *err)
{
	const char *acct = cg_v1_path(cg, "cpuacct"), *cpu = cg_v1_path(cg, "cpu");
	const char *mem = cg_v1_path(cg, "memory"), *pids = cg_v1_path(cg, "pids");
	const char *blk = cg_v1_path(cg, "blkio"), *huge = cg_v1_path(cg, "hugetlb");

	if (access(cg->dirs[0].path, F_OK) < 0)
		return berr_errno(err, "stats %s", cg->dirs[0].path);
	json_object_set_new(o, "cpu", cpu_stats(acct, cpu));
	if (mem)
		json_object_set_new(o, "memory", memory_stats(mem));
	if (pids) {
		uint64_t max = cg_u64_or_0(pids, "pids.max");

		json_object_set_new(o, "pids", json_pack("{s:o}", "current",
					cg_json_u64(cg_u64_or_0(pids, "pids.current"))));
		if (max != UINT64_MAX)   /* runc leaves out "max" */
			json_object_set_new(json_object_get(o, "pids"), "limit", cg_json_u64(max));
	}
	if (blk)
		json_object_set_new(o, "blkio", blkio_stats(blk));
	if (huge)
		json_object_set_new(o, "hugetlb", hugetlb_stats(huge));
	else if (cg_v2_path(cg))
		return cg_v2_hugetlb_stats(cg_v2_path(cg), o, err);
	return 0;
}

/* ---- OOM ----------------------------------------------------------------------------------- */

int cg_v1_oom_count(const char *dir, uint64_t *count, berr_t *err)
{
	_cleanup_free_ char *text = NULL;

	if (cg_read(dir, "memory.oom_control", &text, err) < 0)
		return -1;
	if (cg_keyed_u64(text, "oom_kill", count) < 0)
		*count = 0;   /* kernels before 4.13 do not count kills */
	return 0;
}

/* an eventfd the memory controller signals on every OOM in the cgroup */
int cg_v1_oom_fd(const char *dir, berr_t *err)
{
	_cleanup_close_ int efd = -1, cfd = -1;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/memory.oom_control", dir);
	cfd = open(path, O_RDONLY | O_CLOEXEC);
	if (cfd < 0)
		return berr_errno(err, "open %s", path);
	efd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0)
		return berr_errno(err, "eventfd");
	/* the registration holds its own reference to the control file */
	if (cg_writef(dir, "cgroup.event_control", err, "%d %d", efd, cfd) < 0)
		return -1;
	return steal_fd(efd);
}
