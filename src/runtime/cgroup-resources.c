/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linux.resources JSON -> struct cg_res, with every check that needs neither
 * the cgroup nor the cgroup version.  Shared by validate, create and update,
 * so a value is judged the same way wherever it comes from.
 *
 * Numbers follow runc: a 0 in a field Go keeps as a plain integer means "not
 * set", -1 means unlimited where runc allows it, and uint64 fields are read
 * as json_integer_value() cast to uint64_t (spec.c stores literals >= 2^63 as
 * their two's complement).
 */
#include "cgroup-internal.h"
#include "../util/cleanup.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define RES "linux.resources"

/* ---- JSON accessors: absent or null = not present ------------------------ */

static int get_i64(const json_t *o, const char *ctx, const char *key, bool *has, int64_t *v,
		   berr_t *err)
{
	json_t *j = json_object_get(o, key);

	*has = false;
	if (!j || json_is_null(j))
		return 0;
	if (!json_is_integer(j))
		return berr_fail(err, "%s.%s: must be an integer", ctx, key);
	*v = json_integer_value(j);
	*has = true;
	return 0;
}

/* uint64 fields: a negative JSON number is refused, a Go uint64 >= 2^63 arrives
 * negative too and is returned as is for the caller's range check */
static int get_u64(const json_t *o, const char *ctx, const char *key, bool *has, uint64_t *v,
		   berr_t *err)
{
	int64_t i = 0;

	if (get_i64(o, ctx, key, has, &i, err) < 0)
		return -1;
	*v = (uint64_t)i;
	return 0;
}

static int get_range(const json_t *o, const char *ctx, const char *key, int64_t lo, int64_t hi,
		     bool *has, int64_t *v, berr_t *err)
{
	if (get_i64(o, ctx, key, has, v, err) < 0)
		return -1;
	if (*has && (*v < lo || *v > hi))
		return berr_fail(err, "%s.%s: must be between %" PRId64 " and %" PRId64, ctx, key,
				 lo, hi);
	return 0;
}

static int get_bool(const json_t *o, const char *ctx, const char *key, bool *has, bool *v,
		    berr_t *err)
{
	json_t *j = json_object_get(o, key);

	*has = false;
	if (!j || json_is_null(j))
		return 0;
	if (!json_is_boolean(j))
		return berr_fail(err, "%s.%s: must be a boolean", ctx, key);
	*v = json_is_true(j);
	*has = true;
	return 0;
}

static int get_str(const json_t *o, const char *ctx, const char *key, const char **v, berr_t *err)
{
	json_t *j = json_object_get(o, key);

	*v = NULL;
	if (!j || json_is_null(j))
		return 0;
	if (!json_is_string(j))
		return berr_fail(err, "%s.%s: must be a string", ctx, key);
	*v = json_string_value(j);
	return 0;
}

static int get_obj(const json_t *o, const char *ctx, const char *key, json_t **v, berr_t *err)
{
	json_t *j = json_object_get(o, key);

	*v = NULL;
	if (!j || json_is_null(j))
		return 0;
	if (!json_is_object(j))
		return berr_fail(err, "%s.%s: must be an object", ctx, key);
	*v = j;
	return 0;
}

/* array member: *n elements of size sz allocated in *out */
static int get_array(const json_t *o, const char *ctx, const char *key, size_t sz, void **out,
		     size_t *n, json_t **arr, berr_t *err)
{
	json_t *j = json_object_get(o, key);

	*arr = NULL;
	if (!j || json_is_null(j))
		return 0;
	if (!json_is_array(j))
		return berr_fail(err, "%s.%s: must be an array", ctx, key);
	*arr = j;
	if (json_array_size(j) == 0)
		return 0;
	*out = calloc(json_array_size(j), sz);
	if (!*out)
		return berr_errno(err, "%s.%s", ctx, key);
	*n = json_array_size(j);
	return 0;
}

/* ---- memory ---------------------------------------------------------------- */

/* -1 (unlimited) or > 0; 0 = not set */
static int get_bytes(const json_t *o, const char *ctx, const char *key, bool *has, int64_t *v,
		     berr_t *err)
{
	if (get_i64(o, ctx, key, has, v, err) < 0)
		return -1;
	if (*has && *v < -1)
		return berr_fail(err, "%s.%s: must be -1 (unlimited) or a number of bytes", ctx, key);
	if (*has && *v == 0)
		*has = false;
	return 0;
}

static int parse_memory(const json_t *m, struct cg_res *r, berr_t *err)
{
	const char *ctx = RES ".memory";
	bool has = false;
	int64_t unused;

	if (get_bytes(m, ctx, "limit", &r->has_mem_limit, &r->mem_limit, err) < 0 ||
	    get_bytes(m, ctx, "reservation", &r->has_mem_resv, &r->mem_resv, err) < 0 ||
	    get_bytes(m, ctx, "swap", &r->has_mem_swap, &r->mem_swap, err) < 0 ||
	    get_bytes(m, ctx, "kernelTCP", &r->has_kernel_tcp, &r->kernel_tcp, err) < 0 ||
	    get_i64(m, ctx, "kernel", &r->has_kernel, &unused, err) < 0 ||
	    get_u64(m, ctx, "swappiness", &r->has_swappiness, &r->swappiness, err) < 0 ||
	    get_bool(m, ctx, "disableOOMKiller", &r->has_oom_disable, &r->oom_disable, err) < 0 ||
	    get_bool(m, ctx, "useHierarchy", &r->has_use_hierarchy, &r->use_hierarchy, err) < 0 ||
	    get_bool(m, ctx, "checkBeforeUpdate", &has, &r->check_before_update, err) < 0)
		return -1;
	/* runc: -1 (also as uint64 2^64-1) leaves swappiness alone */
	if (r->has_swappiness && (int64_t)r->swappiness == -1)
		r->has_swappiness = false;
	if (r->has_swappiness && r->swappiness > 100)
		return berr_fail(err, "%s.swappiness: must be between 0 and 100", ctx);
	/* swap is the total of memory and swap: the kernel (v1) and the v2
	 * conversion both need it to cover the memory limit */
	if (r->has_mem_limit && r->has_mem_swap && r->mem_limit > 0 && r->mem_swap > 0 &&
	    r->mem_swap < r->mem_limit)
		return berr_fail(err, "%s.swap: must be >= memory.limit (it is the total of memory and swap)",
				 ctx);
	return 0;
}

/* ---- cpu ------------------------------------------------------------------- */

/* "0-3,5": what cpuset.cpus / cpuset.mems accept */
static bool valid_cpu_list(const char *s)
{
	while (*s) {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b;

		if (end == s || *s == '-' || *s == '+')
			return false;
		s = end;
		if (*s == '-') {
			if (s[1] < '0' || s[1] > '9')
				return false;
			b = strtoul(s + 1, &end, 10);
			if (b < a)
				return false;
			s = end;
		}
		if (*s == ',' && s[1])
			s++;
		else if (*s)
			return false;
	}
	return true;
}

static int parse_cpu_times(const json_t *c, const char *ctx, struct cg_res *r, berr_t *err)
{
	if (get_i64(c, ctx, "quota", &r->has_quota, &r->quota, err) < 0 ||
	    get_u64(c, ctx, "period", &r->has_period, &r->period, err) < 0 ||
	    get_u64(c, ctx, "burst", &r->has_burst, &r->burst, err) < 0)
		return -1;
	if (r->has_quota && r->quota == 0)
		r->has_quota = false;
	if (r->has_quota && r->quota < -1)
		return berr_fail(err, "%s.quota: must be -1 (unlimited) or > 0", ctx);
	/* the kernel's floor (1 ms); saying so beats its EINVAL */
	if (r->has_quota && r->quota > 0 && r->quota < 1000)
		return berr_fail(err, "%s.quota: must be at least 1000 (microseconds)", ctx);
	if (r->has_period && (int64_t)r->period < 0)
		return berr_fail(err, "%s.period: must be > 0", ctx);
	if (r->has_period && r->period == 0)
		r->has_period = false;
	if (r->has_period && (r->period < 1000 || r->period > 1000000))
		return berr_fail(err, "%s.period: must be between 1000 and 1000000 (microseconds)", ctx);
	if (r->has_burst && (int64_t)r->burst < 0)
		return berr_fail(err, "%s.burst: must be >= 0", ctx);
	return 0;
}

static int parse_cpu(const json_t *c, struct cg_res *r, berr_t *err)
{
	const char *ctx = RES ".cpu";

	if (get_u64(c, ctx, "shares", &r->has_shares, &r->shares, err) < 0 ||
	    parse_cpu_times(c, ctx, r, err) < 0 ||
	    get_i64(c, ctx, "realtimeRuntime", &r->has_rt_runtime, &r->rt_runtime, err) < 0 ||
	    get_u64(c, ctx, "realtimePeriod", &r->has_rt_period, &r->rt_period, err) < 0 ||
	    get_range(c, ctx, "idle", 0, 1, &r->has_idle, &r->idle, err) < 0 ||
	    get_str(c, ctx, "cpus", &r->cpus, err) < 0 ||
	    get_str(c, ctx, "mems", &r->mems, err) < 0)
		return -1;
	if (r->has_shares && r->shares == 0)
		r->has_shares = false;
	if (r->has_shares && (r->shares < 2 || r->shares > 262144))
		return berr_fail(err, "%s.shares: must be between 2 and 262144", ctx);
	if (r->has_rt_runtime && r->rt_runtime == 0)
		r->has_rt_runtime = false;
	if (r->has_rt_runtime && r->rt_runtime < -1)
		return berr_fail(err, "%s.realtimeRuntime: must be -1 (unlimited) or > 0", ctx);
	if (r->has_rt_period && (int64_t)r->rt_period < 0)
		return berr_fail(err, "%s.realtimePeriod: must be > 0", ctx);
	if (r->has_rt_period && r->rt_period == 0)
		r->has_rt_period = false;
	if (r->cpus && !*r->cpus)
		r->cpus = NULL;
	if (r->mems && !*r->mems)
		r->mems = NULL;
	if (r->cpus && !valid_cpu_list(r->cpus))
		return berr_fail(err, "%s.cpus: \"%s\" is not a CPU list like \"0-3,6\"", ctx, r->cpus);
	if (r->mems && !valid_cpu_list(r->mems))
		return berr_fail(err, "%s.mems: \"%s\" is not a node list like \"0-1\"", ctx, r->mems);
	return 0;
}

/* ---- pids ------------------------------------------------------------------ */

static int parse_pids(const json_t *p, struct cg_res *r, berr_t *err)
{
	if (get_i64(p, RES ".pids", "limit", &r->has_pids, &r->pids_limit, err) < 0)
		return -1;
	if (r->has_pids && r->pids_limit < -1)
		return berr_fail(err, RES ".pids.limit: must be -1 (unlimited) or > 0");
	/* runc: 0 is "not set" */
	if (r->has_pids && r->pids_limit == 0)
		r->has_pids = false;
	return 0;
}

/* ---- blockIO --------------------------------------------------------------- */

static int get_weight(const json_t *o, const char *ctx, const char *key, uint16_t *w, berr_t *err)
{
	bool has;
	int64_t v;

	if (get_i64(o, ctx, key, &has, &v, err) < 0)
		return -1;
	*w = 0;
	if (!has || v == 0)
		return 0;
	if (v < 10 || v > 1000)
		return berr_fail(err, "%s.%s: must be between 10 and 1000", ctx, key);
	*w = (uint16_t)v;
	return 0;
}

/* major/minor of a blkio rule, which must name an existing block device */
static int get_blkdev(const json_t *e, const char *ctx, int64_t *major, int64_t *minor, berr_t *err)
{
	char path[64];
	struct stat st;
	bool has_maj, has_min;

	if (!json_is_object(e))
		return berr_fail(err, "%s: must be an object", ctx);
	if (get_range(e, ctx, "major", 0, UINT32_MAX, &has_maj, major, err) < 0 ||
	    get_range(e, ctx, "minor", 0, UINT32_MAX, &has_min, minor, err) < 0)
		return -1;
	if (!has_maj || !has_min)
		return berr_fail(err, "%s: major and minor are required", ctx);
	snprintf(path, sizeof(path), "/sys/dev/block/%" PRId64 ":%" PRId64, *major, *minor);
	if (stat(path, &st) < 0)
		return berr_fail(err, "%s: block device %" PRId64 ":%" PRId64 " does not exist (no %s)",
				 ctx, *major, *minor, path);
	return 0;
}

static int parse_weight_devices(const json_t *b, struct cg_res *r, berr_t *err)
{
	json_t *arr, *e;
	size_t i;

	if (get_array(b, RES ".blockIO", "weightDevice", sizeof(*r->wdev), (void **)&r->wdev,
		      &r->n_wdev, &arr, err) < 0)
		return -1;
	json_array_foreach(arr, i, e) {
		char ctx[96];
		struct cg_blk_weight *w = &r->wdev[i];

		snprintf(ctx, sizeof(ctx), RES ".blockIO.weightDevice[%zu]", i);
		if (get_blkdev(e, ctx, &w->major, &w->minor, err) < 0 ||
		    get_weight(e, ctx, "weight", &w->weight, err) < 0 ||
		    get_weight(e, ctx, "leafWeight", &w->leaf_weight, err) < 0)
			return -1;
		if (!w->weight && !w->leaf_weight)
			return berr_fail(err, "%s: needs weight or leafWeight", ctx);
	}
	return 0;
}

static const char *const thr_keys[CG_THR_N] = {
	[CG_THR_RBPS] = "throttleReadBpsDevice",
	[CG_THR_WBPS] = "throttleWriteBpsDevice",
	[CG_THR_RIOPS] = "throttleReadIOPSDevice",
	[CG_THR_WIOPS] = "throttleWriteIOPSDevice",
};

static int parse_throttle(const json_t *b, int k, struct cg_res *r, berr_t *err)
{
	json_t *arr, *e;
	size_t i;

	if (get_array(b, RES ".blockIO", thr_keys[k], sizeof(*r->thr[k]), (void **)&r->thr[k],
		      &r->n_thr[k], &arr, err) < 0)
		return -1;
	json_array_foreach(arr, i, e) {
		char ctx[96];
		struct cg_blk_rate *t = &r->thr[k][i];
		bool has;

		snprintf(ctx, sizeof(ctx), RES ".blockIO.%s[%zu]", thr_keys[k], i);
		if (get_blkdev(e, ctx, &t->major, &t->minor, err) < 0 ||
		    get_u64(e, ctx, "rate", &has, &t->rate, err) < 0)
			return -1;
		if (!has)
			return berr_fail(err, "%s.rate: is required", ctx);
		if ((int64_t)t->rate < 0)
			return berr_fail(err, "%s.rate: must be >= 0", ctx);
	}
	return 0;
}

static int parse_blkio(const json_t *b, struct cg_res *r, berr_t *err)
{
	if (get_weight(b, RES ".blockIO", "weight", &r->blk_weight, err) < 0 ||
	    get_weight(b, RES ".blockIO", "leafWeight", &r->blk_leaf_weight, err) < 0 ||
	    parse_weight_devices(b, r, err) < 0)
		return -1;
	for (int k = 0; k < CG_THR_N; k++)
		if (parse_throttle(b, k, r, err) < 0)
			return -1;
	return 0;
}

/* ---- hugetlb, network, rdma ------------------------------------------------ */

static bool valid_page_size(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n > 0 && n < 8 && (!strcmp(s + n, "KB") || !strcmp(s + n, "MB") ||
				  !strcmp(s + n, "GB"));
}

static int parse_hugepages(const json_t *res, struct cg_res *r, berr_t *err)
{
	json_t *arr, *e;
	size_t i;

	if (get_array(res, RES, "hugepageLimits", sizeof(*r->huge), (void **)&r->huge, &r->n_huge,
		      &arr, err) < 0)
		return -1;
	json_array_foreach(arr, i, e) {
		char ctx[64];
		const char *size;
		bool has;

		snprintf(ctx, sizeof(ctx), RES ".hugepageLimits[%zu]", i);
		if (!json_is_object(e))
			return berr_fail(err, "%s: must be an object", ctx);
		if (get_str(e, ctx, "pageSize", &size, err) < 0 ||
		    get_u64(e, ctx, "limit", &has, &r->huge[i].limit, err) < 0)
			return -1;
		if (!size || !valid_page_size(size))
			return berr_fail(err, "%s.pageSize: must be a size like \"2MB\" or \"1GB\"", ctx);
		if (!has)
			return berr_fail(err, "%s.limit: is required", ctx);
		snprintf(r->huge[i].size, sizeof(r->huge[i].size), "%s", size);
	}
	return 0;
}

static bool valid_name(const char *s)
{
	return s && *s && !strpbrk(s, " \t\n/");
}

static int parse_network(const json_t *n, struct cg_res *r, berr_t *err)
{
	const char *ctx = RES ".network";
	json_t *arr, *e;
	int64_t v;
	size_t i;

	if (get_range(n, ctx, "classID", 0, UINT32_MAX, &r->has_classid, &v, err) < 0)
		return -1;
	r->classid = (uint32_t)v;
	if (get_array(n, ctx, "priorities", sizeof(*r->prio), (void **)&r->prio, &r->n_prio, &arr,
		      err) < 0)
		return -1;
	json_array_foreach(arr, i, e) {
		char ectx[64];
		bool has;

		snprintf(ectx, sizeof(ectx), "%s.priorities[%zu]", ctx, i);
		if (!json_is_object(e))
			return berr_fail(err, "%s: must be an object", ectx);
		if (get_str(e, ectx, "name", &r->prio[i].ifname, err) < 0 ||
		    get_range(e, ectx, "priority", 0, UINT32_MAX, &has, &v, err) < 0)
			return -1;
		if (!valid_name(r->prio[i].ifname))
			return berr_fail(err, "%s.name: must be an interface name", ectx);
		if (!has)
			return berr_fail(err, "%s.priority: is required", ectx);
		r->prio[i].prio = (uint32_t)v;
	}
	return 0;
}

static int parse_rdma(const json_t *o, struct cg_res *r, berr_t *err)
{
	const char *dev;
	json_t *e;
	size_t i = 0;

	if (json_object_size(o) == 0)
		return 0;
	r->rdma = calloc(json_object_size(o), sizeof(*r->rdma));
	if (!r->rdma)
		return berr_errno(err, RES ".rdma");
	json_object_foreach((json_t *)o, dev, e) {
		char ctx[128];
		struct cg_rdma *d = &r->rdma[i++];
		int64_t v;

		snprintf(ctx, sizeof(ctx), RES ".rdma.%.64s", dev);
		if (!valid_name(dev))
			return berr_fail(err, "%s: not a device name", ctx);
		if (!json_is_object(e))
			return berr_fail(err, "%s: must be an object", ctx);
		d->dev = dev;
		if (get_range(e, ctx, "hcaHandles", 0, UINT32_MAX, &d->has_handles, &v, err) < 0)
			return -1;
		d->handles = (uint32_t)v;
		if (get_range(e, ctx, "hcaObjects", 0, UINT32_MAX, &d->has_objects, &v, err) < 0)
			return -1;
		d->objects = (uint32_t)v;
		if (!d->has_handles && !d->has_objects)
			return berr_fail(err, "%s: needs hcaHandles or hcaObjects", ctx);
	}
	r->n_rdma = i;
	return 0;
}

/* ---- devices ----------------------------------------------------------------- */

static int parse_access(const char *s, unsigned *acc)
{
	*acc = 0;
	if (!s || !*s) {
		*acc = CG_ACC_ALL;
		return 0;
	}
	for (; *s; s++) {
		switch (*s) {
		case 'r': *acc |= CG_ACC_R; break;
		case 'w': *acc |= CG_ACC_W; break;
		case 'm': *acc |= CG_ACC_M; break;
		default: return -1;
		}
	}
	return 0;
}

static int parse_device(const json_t *e, const char *ctx, struct cg_dev_rule *d, berr_t *err)
{
	const char *type, *access;
	bool has;

	if (!json_is_object(e))
		return berr_fail(err, "%s: must be an object", ctx);
	if (get_bool(e, ctx, "allow", &has, &d->allow, err) < 0 ||
	    get_str(e, ctx, "type", &type, err) < 0 || get_str(e, ctx, "access", &access, err) < 0)
		return -1;
	if (!has)
		return berr_fail(err, "%s.allow: is required", ctx);
	if (!type || !*type)
		type = "a";
	if (strlen(type) != 1 || !strchr("abc", type[0]))
		return berr_fail(err, "%s.type: must be \"a\", \"b\" or \"c\"", ctx);
	d->type = type[0];
	if (parse_access(access, &d->access) < 0)
		return berr_fail(err, "%s.access: must be made of 'r', 'w' and 'm'", ctx);
	d->major = d->minor = -1;
	if (get_range(e, ctx, "major", -1, UINT32_MAX, &has, &d->major, err) < 0 ||
	    get_range(e, ctx, "minor", -1, UINT32_MAX, &has, &d->minor, err) < 0)
		return -1;
	return 0;
}

static int parse_devices(const json_t *res, struct cg_res *r, berr_t *err)
{
	json_t *arr, *e;
	size_t i;

	if (get_array(res, RES, "devices", sizeof(*r->dev), (void **)&r->dev, &r->n_dev, &arr,
		      err) < 0)
		return -1;
	r->has_devices = r->n_dev > 0;
	json_array_foreach(arr, i, e) {
		char ctx[64];

		snprintf(ctx, sizeof(ctx), RES ".devices[%zu]", i);
		if (parse_device(e, ctx, &r->dev[i], err) < 0)
			return -1;
	}
	return 0;
}

/* runc's AllowedDevices: what every container may use, after the user's rules */
static const struct cg_dev_rule default_devices[] = {
	{ true, 'c', -1, -1, CG_ACC_M }, { true, 'b', -1, -1, CG_ACC_M },
	{ true, 'c', 1, 3, CG_ACC_ALL },   /* null */
	{ true, 'c', 1, 8, CG_ACC_ALL },   /* random */
	{ true, 'c', 1, 7, CG_ACC_ALL },   /* full */
	{ true, 'c', 5, 0, CG_ACC_ALL },   /* tty */
	{ true, 'c', 1, 5, CG_ACC_ALL },   /* zero */
	{ true, 'c', 1, 9, CG_ACC_ALL },   /* urandom */
	{ true, 'c', 136, -1, CG_ACC_ALL },/* pts */
	{ true, 'c', 5, 2, CG_ACC_ALL },   /* ptmx */
};

int cg_res_add_default_devices(struct cg_res *r, const struct spec *s, berr_t *err)
{
	size_t n_spec = s ? s->linux.n_devices : 0;
	size_t extra = ARRAY_SIZE(default_devices) + n_spec;
	struct cg_dev_rule *v;

	if (!r->has_devices)
		return 0;
	v = realloc(r->dev, (r->n_dev + extra) * sizeof(*v));
	if (!v)
		return berr_errno(err, RES ".devices");
	r->dev = v;
	memcpy(v + r->n_dev, default_devices, sizeof(default_devices));
	r->n_dev += ARRAY_SIZE(default_devices);
	/* the nodes created from linux.devices must be usable */
	for (size_t i = 0; i < n_spec; i++) {
		const struct spec_device *d = &s->linux.devices[i];

		if (d->type == 'p')
			continue;
		v[r->n_dev++] = (struct cg_dev_rule){ true, d->type == 'b' ? 'b' : 'c', d->major,
						      d->minor, CG_ACC_ALL };
	}
	return 0;
}

/* ---- unified ------------------------------------------------------------------ */

static int parse_unified(const json_t *u, struct cg_res *r, berr_t *err)
{
	/* files that would move or stop processes, not set a limit */
	static const char *const refused[] = { "cgroup.procs", "cgroup.threads", "cgroup.kill",
					       "cgroup.freeze", "cgroup.subtree_control",
					       "cgroup.type" };
	const char *key;
	json_t *v;
	size_t i = 0;

	if (json_object_size(u) == 0)
		return 0;
	r->unified = calloc(json_object_size(u), sizeof(*r->unified));
	if (!r->unified)
		return berr_errno(err, RES ".unified");
	json_object_foreach((json_t *)u, key, v) {
		if (!*key || strchr(key, '/') || key[0] == '.' || !strchr(key, '.'))
			return berr_fail(err, RES ".unified: \"%s\" is not a cgroup file name", key);
		for (size_t k = 0; k < ARRAY_SIZE(refused); k++)
			if (!strcmp(key, refused[k]))
				return berr_fail(err, RES ".unified: \"%s\" cannot be set", key);
		if (!json_is_string(v))
			return berr_fail(err, RES ".unified.%s: must be a string", key);
		r->unified[i++] = (struct cg_kv){ key, json_string_value(v) };
	}
	r->n_unified = i;
	return 0;
}

/* ---- entry points ------------------------------------------------------------- */

int cg_res_parse(const json_t *res, struct cg_res *r, berr_t *err)
{
	json_t *o;

	memset(r, 0, sizeof(*r));
	if (!res || json_is_null(res))
		return 0;
	if (!json_is_object(res))
		return berr_fail(err, RES ": must be an object");
	if (get_obj(res, RES, "memory", &o, err) < 0 || (o && parse_memory(o, r, err) < 0) ||
	    get_obj(res, RES, "cpu", &o, err) < 0 || (o && parse_cpu(o, r, err) < 0) ||
	    get_obj(res, RES, "pids", &o, err) < 0 || (o && parse_pids(o, r, err) < 0) ||
	    get_obj(res, RES, "blockIO", &o, err) < 0 || (o && parse_blkio(o, r, err) < 0) ||
	    parse_hugepages(res, r, err) < 0 ||
	    get_obj(res, RES, "network", &o, err) < 0 || (o && parse_network(o, r, err) < 0) ||
	    parse_devices(res, r, err) < 0 ||
	    get_obj(res, RES, "rdma", &o, err) < 0 || (o && parse_rdma(o, r, err) < 0) ||
	    get_obj(res, RES, "unified", &o, err) < 0 || (o && parse_unified(o, r, err) < 0)) {
		cg_res_free(r);
		return -1;
	}
	return 0;
}

void cg_res_free(struct cg_res *r)
{
	free(r->wdev);
	for (int k = 0; k < CG_THR_N; k++)
		free(r->thr[k]);
	free(r->huge);
	free(r->prio);
	free(r->dev);
	free(r->rdma);
	free(r->unified);
	memset(r, 0, sizeof(*r));
}
