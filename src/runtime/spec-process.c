/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.json parser: "process", also read on its own by exec --process
 * (spec_parse_process()).  Either way its fields are named "process.<field>".
 */
#include "spec-internal.h"
#include "../util/cleanup.h"

#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <linux/ioprio.h>
#include <linux/sched.h>

/* ---- process ----------------------------------------------------------- */

struct name_value {
	const char *name;
	uint64_t value;
};

static const struct name_value *find_name(const struct name_value *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return &t[i];
	return NULL;
}

static int parse_console_size(json_t *o, struct spec_process *p, berr_t *err)
{
	const char *path = "process.consoleSize";
	json_int_t h, w;
	json_t *cs;
	int r;

	r = get_object(o, "process", "consoleSize", OPT, &cs, err);
	if (r <= 0)
		return r;
	/* struct winsize holds unsigned shorts */
	r = get_int(cs, path, "height", REQ, 0, USHRT_MAX, &h, err);
	if (r < 0)
		return r;
	r = get_int(cs, path, "width", REQ, 0, USHRT_MAX, &w, err);
	if (r < 0)
		return r;
	p->has_console_size = true;
	p->console_height = (unsigned int)h;
	p->console_width = (unsigned int)w;
	return 0;
}

static int parse_additional_gids(json_t *user, struct spec_process *p, berr_t *err)
{
	const char *path = "process.user.additionalGids";
	json_t *arr, *v;
	size_t i;
	int r;

	r = get_array(user, "process.user", "additionalGids", OPT, &arr, err);
	if (r <= 0)
		return r;
	p->additional_gids = calloc(json_array_size(arr) + 1, sizeof(*p->additional_gids));
	if (!p->additional_gids)
		return fail_oom(err);
	json_array_foreach(arr, i, v) {
		const char *bad = check_id(v, &p->additional_gids[i]);

		if (bad)
			return fail_idx(err, path, i, "%s", bad);
		p->n_additional_gids++;
	}
	return 0;
}

static int parse_user(json_t *o, struct spec_process *p, berr_t *err)
{
	const char *path = "process.user";
	json_t *user;
	json_int_t umask_v;
	int r;

	r = get_object(o, "process", "user", REQ, &user, err);
	if (r < 0)
		return r;
	r = get_id(user, path, "uid", REQ, &p->uid, err);
	if (r < 0)
		return r;
	r = get_id(user, path, "gid", REQ, &p->gid, err);
	if (r < 0)
		return r;
	r = get_int(user, path, "umask", OPT, 0, 0777, &umask_v, err);
	if (r < 0)
		return r;
	if (r > 0) {
		p->has_umask = true;
		p->umask = (mode_t)umask_v;
	}
	return parse_additional_gids(user, p, err);
}

static const char *const cap_set_names[SPEC_CAP_SET_COUNT] = {
	[SPEC_CAP_BOUNDING] = "bounding",
	[SPEC_CAP_EFFECTIVE] = "effective",
	[SPEC_CAP_INHERITABLE] = "inheritable",
	[SPEC_CAP_PERMITTED] = "permitted",
	[SPEC_CAP_AMBIENT] = "ambient",
};

static int parse_cap_set(json_t *caps, enum spec_cap_set set, uint64_t *mask, berr_t *err)
{
	char p[FIELD_PATH_MAX];
	json_t *arr, *v;
	size_t i;
	int r;

	r = get_array(caps, "process.capabilities", cap_set_names[set], OPT, &arr, err);
	if (r <= 0)
		return r;
	path_key(p, "process.capabilities", cap_set_names[set]);
	json_array_foreach(arr, i, v) {
		int cap;

		if (!json_is_string(v))
			return fail_idx(err, p, i, "must be a string");
		/* Unknown names fail: dropping a capability the user meant
		 * to restrict, or granting a typo, must not go unnoticed. */
		cap = spec_cap_from_name(json_string_value(v));
		if (cap < 0)
			return fail_at(err, p, "unknown capability \"%s\"", json_string_value(v));
		*mask |= UINT64_C(1) << cap;
	}
	return 0;
}

static int parse_caps(json_t *o, struct spec_process *p, berr_t *err)
{
	json_t *caps;
	int r;

	r = get_object(o, "process", "capabilities", OPT, &caps, err);
	if (r <= 0)
		return r;
	p->has_caps = true;
	for (int set = 0; set < SPEC_CAP_SET_COUNT; set++) {
		r = parse_cap_set(caps, (enum spec_cap_set)set, &p->caps[set], err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_rlimit(json_t *o, const char *path, void *elem, void *ctx, berr_t *err)
{
	struct spec_process *p = ctx;
	struct spec_rlimit *rl = elem;
	const char *type;
	int r;

	r = get_string(o, path, "type", REQ, &type, err);
	if (r < 0)
		return r;
	rl->resource = spec_rlimit_from_name(type);
	if (rl->resource < 0)
		return fail_key(err, path, "type", "unknown rlimit \"%s\"", type);
	/* At most 16 distinct types, so this scan stays short. */
	for (struct spec_rlimit *prev = p->rlimits; prev < rl; prev++)
		if (prev->resource == rl->resource)
			return fail_key(err, path, "type", "duplicate rlimit \"%s\"", type);
	r = get_u64(o, path, "soft", REQ, &rl->soft, err);
	if (r < 0)
		return r;
	r = get_u64(o, path, "hard", REQ, &rl->hard, err);
	if (r < 0)
		return r;
	if (rl->soft > rl->hard)
		return fail_at(err, path, "soft limit %" PRIu64 " exceeds hard limit %" PRIu64,
			       rl->soft, rl->hard);
	return 0;
}

static int parse_rlimits(json_t *o, struct spec_process *p, berr_t *err)
{
	json_t *arr;
	int r;

	r = get_array(o, "process", "rlimits", OPT, &arr, err);
	if (r <= 0)
		return r;
	p->rlimits = calloc(json_array_size(arr) + 1, sizeof(*p->rlimits));
	if (!p->rlimits)
		return fail_oom(err);
	p->n_rlimits = json_array_size(arr);
	return parse_each(arr, "process.rlimits", p->rlimits, sizeof(*p->rlimits),
			  parse_rlimit, p, err);
}

static const struct name_value ioprio_classes[] = {
	{ "IOPRIO_CLASS_RT", IOPRIO_CLASS_RT },
	{ "IOPRIO_CLASS_BE", IOPRIO_CLASS_BE },
	{ "IOPRIO_CLASS_IDLE", IOPRIO_CLASS_IDLE },
};

static int parse_io_priority(json_t *o, struct spec_process *p, berr_t *err)
{
	const char *path = "process.ioPriority";
	const struct name_value *cls;
	const char *name;
	json_int_t level;
	json_t *io;
	int r;

	r = get_object(o, "process", "ioPriority", OPT, &io, err);
	if (r <= 0)
		return r;
	r = get_string(io, path, "class", REQ, &name, err);
	if (r < 0)
		return r;
	cls = find_name(ioprio_classes, ARRAY_SIZE(ioprio_classes), name);
	if (!cls)
		return fail_key(err, path, "class", "unknown class \"%s\"", name);
	r = get_int(io, path, "priority", REQ, 0, 7, &level, err);
	if (r < 0)
		return r;
	p->has_io_priority = true;
	p->ioprio_class = (int)cls->value;
	p->ioprio_level = (int)level;
	return 0;
}

static const struct name_value sched_policies[] = {
	{ "SCHED_OTHER", SCHED_OTHER },
	{ "SCHED_FIFO", SCHED_FIFO },
	{ "SCHED_RR", SCHED_RR },
	{ "SCHED_BATCH", SCHED_BATCH },
	{ "SCHED_ISO", SCHED_ISO },
	{ "SCHED_IDLE", SCHED_IDLE },
	{ "SCHED_DEADLINE", SCHED_DEADLINE },
};

static const struct name_value sched_flags[] = {
	{ "SCHED_FLAG_RESET_ON_FORK", SCHED_FLAG_RESET_ON_FORK },
	{ "SCHED_FLAG_RECLAIM", SCHED_FLAG_RECLAIM },
	{ "SCHED_FLAG_DL_OVERRUN", SCHED_FLAG_DL_OVERRUN },
	{ "SCHED_FLAG_KEEP_POLICY", SCHED_FLAG_KEEP_POLICY },
	{ "SCHED_FLAG_KEEP_PARAMS", SCHED_FLAG_KEEP_PARAMS },
	{ "SCHED_FLAG_UTIL_CLAMP_MIN", SCHED_FLAG_UTIL_CLAMP_MIN },
	{ "SCHED_FLAG_UTIL_CLAMP_MAX", SCHED_FLAG_UTIL_CLAMP_MAX },
};

static int parse_sched_flags(json_t *sched, struct spec_process *p, berr_t *err)
{
	const char *path = "process.scheduler.flags";
	json_t *arr, *v;
	size_t i;
	int r;

	r = get_array(sched, "process.scheduler", "flags", OPT, &arr, err);
	if (r <= 0)
		return r;
	json_array_foreach(arr, i, v) {
		const struct name_value *f;

		if (!json_is_string(v))
			return fail_idx(err, path, i, "must be a string");
		f = find_name(sched_flags, ARRAY_SIZE(sched_flags), json_string_value(v));
		if (!f)
			return fail_idx(err, path, i, "unknown flag \"%s\"", json_string_value(v));
		p->sched.flags |= f->value;
	}
	return 0;
}

/* What sched_setattr(2) would refuse anyway, caught before anything is created. */
static int check_sched(struct spec_process *p, berr_t *err)
{
	const char *path = "process.scheduler";
	bool rt = p->sched.policy == SCHED_FIFO || p->sched.policy == SCHED_RR;

	if (rt && (p->sched.priority < 1 || p->sched.priority > 99))
		return fail_key(err, path, "priority", "must be between 1 and 99 for SCHED_FIFO and SCHED_RR");
	if (!rt && p->sched.priority != 0)
		return fail_key(err, path, "priority", "can only be set for SCHED_FIFO and SCHED_RR");
	if (p->sched.policy != SCHED_DEADLINE) {
		if (p->sched.runtime || p->sched.deadline || p->sched.period)
			return fail_at(err, path, "runtime, deadline and period can only be set for SCHED_DEADLINE");
		return 0;
	}
	if (p->sched.runtime > p->sched.deadline ||
	    (p->sched.period && p->sched.deadline > p->sched.period))
		return fail_at(err, path, "SCHED_DEADLINE needs runtime <= deadline <= period");
	return 0;
}

static int parse_scheduler(json_t *o, struct spec_process *p, berr_t *err)
{
	const char *path = "process.scheduler";
	const struct name_value *pol;
	json_int_t nice_v = 0, prio = 0;
	const char *name;
	json_t *sched;
	int r;

	r = get_object(o, "process", "scheduler", OPT, &sched, err);
	if (r <= 0)
		return r;
	r = get_string(sched, path, "policy", REQ, &name, err);
	if (r < 0)
		return r;
	pol = find_name(sched_policies, ARRAY_SIZE(sched_policies), name);
	if (!pol)
		return fail_key(err, path, "policy", "unknown policy \"%s\"", name);
	p->sched.policy = (int)pol->value;
	if (get_int(sched, path, "nice", OPT, -20, 19, &nice_v, err) < 0 ||
	    get_int(sched, path, "priority", OPT, 0, 99, &prio, err) < 0 ||
	    get_u64(sched, path, "runtime", OPT, &p->sched.runtime, err) < 0 ||
	    get_u64(sched, path, "deadline", OPT, &p->sched.deadline, err) < 0 ||
	    get_u64(sched, path, "period", OPT, &p->sched.period, err) < 0 ||
	    parse_sched_flags(sched, p, err) < 0)
		return -1;
	p->sched.nice = (int)nice_v;
	p->sched.priority = (int)prio;
	p->has_scheduler = true;
	return check_sched(p, err);
}

static int parse_process_basics(json_t *o, struct spec_process *p, berr_t *err)
{
	json_int_t oom_adj;
	int r;

	r = get_bool(o, "process", "terminal", OPT, &p->terminal, err);
	if (r < 0)
		return r;
	r = get_strv(o, "process", "args", REQ, NULL, &p->args, err);
	if (r < 0)
		return r;
	if (!p->args[0])
		return fail_at(err, "process.args", "must not be empty");
	r = get_strv(o, "process", "env", OPT, check_env, &p->env, err);
	if (r < 0)
		return r;
	if (!p->env && !(p->env = calloc(1, sizeof(*p->env))))
		return fail_oom(err);
	r = get_abs_path(o, "process", "cwd", REQ, &p->cwd, err);
	if (r < 0)
		return r;
	r = get_bool(o, "process", "noNewPrivileges", OPT, &p->no_new_privileges, err);
	if (r < 0)
		return r;
	r = get_int(o, "process", "oomScoreAdj", OPT, -1000, 1000, &oom_adj, err);
	if (r < 0)
		return r;
	if (r > 0) {
		p->has_oom_score_adj = true;
		p->oom_score_adj = (int)oom_adj;
	}
	r = get_string(o, "process", "apparmorProfile", OPT, &p->apparmor_profile, err);
	if (r < 0)
		return r;
	p->apparmor_profile = nonempty(p->apparmor_profile);
	r = get_string(o, "process", "selinuxLabel", OPT, &p->selinux_label, err);
	if (r < 0)
		return r;
	p->selinux_label = nonempty(p->selinux_label);
	return 0;
}

int spec_process_parse(json_t *o, struct spec *s, berr_t *err)
{
	s->process = calloc(1, sizeof(*s->process));
	if (!s->process)
		return fail_oom(err);
	if (parse_process_basics(o, s->process, err) < 0 ||
	    parse_console_size(o, s->process, err) < 0 ||
	    parse_user(o, s->process, err) < 0 ||
	    parse_caps(o, s->process, err) < 0 ||
	    parse_rlimits(o, s->process, err) < 0 ||
	    parse_io_priority(o, s->process, err) < 0 ||
	    parse_scheduler(o, s->process, err) < 0)
		return -1;
	return 0;
}

void spec_process_free(struct spec_process *p)
{
	if (!p)
		return;
	free(p->additional_gids);
	free(p->args);
	free(p->env);
	free(p->rlimits);
	free(p);
}
