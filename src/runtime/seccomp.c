/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linux.seccomp: the profile is checked and turned into a libseccomp filter
 * in the runtime (seccomp_compile) and loaded by the container's init
 * (seccomp_install).  The behaviour is described in berth-seccomp.h.
 */
#include "berth-seccomp.h"
#include "../util/cleanup.h"

#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if SCMP_VER_MAJOR < 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR < 5)
#error "libseccomp >= 2.5 is needed (SCMP_FLTATR_CTL_OPTIMIZE, SCMP_FLTATR_API_SYSRAWRC)"
#endif

#define FIELD "linux.seccomp"
#define MAX_SYSCALL_ARGS 6
/*
 * libseccomp <= 2.5.4 generates a broken binary tree for a filter with no
 * rules; runc only asks for the tree above 32 rules, where it starts to pay.
 */
#define BTREE_MIN_RULES 32

struct berth_seccomp {
	scmp_filter_ctx ctx;
	size_t n_rules;
	size_t n_ignored;
	char ignored[512];	/* first unknown names, for --debug */
};

struct action_name {
	const char *name;
	uint32_t action;
	bool takes_errno;	/* errnoRet: the errno (ERRNO) or the tracer's message (TRACE) */
};

static const struct action_name actions[] = {
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL, false },
	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false },
	{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP, false },
	{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true },
	{ "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true },
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false },
	{ "SCMP_ACT_LOG", SCMP_ACT_LOG, false },
	{ "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false },
};

static const struct {
	const char *name;
	enum scmp_compare op;
} operators[] = {
	{ "SCMP_CMP_NE", SCMP_CMP_NE },
	{ "SCMP_CMP_LT", SCMP_CMP_LT },
	{ "SCMP_CMP_LE", SCMP_CMP_LE },
	{ "SCMP_CMP_EQ", SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", SCMP_CMP_GE },
	{ "SCMP_CMP_GT", SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

static const struct {
	const char *name;
	enum scmp_filter_attr attr;
} flag_attrs[] = {
	{ "SECCOMP_FILTER_FLAG_TSYNC", SCMP_FLTATR_CTL_TSYNC },
	{ "SECCOMP_FILTER_FLAG_LOG", SCMP_FLTATR_CTL_LOG },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SCMP_FLTATR_CTL_SSB },
};

static bool json_absent(const json_t *v)
{
	return !v || json_is_null(v);
}

static const struct action_name *find_action(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		if (!strcmp(name, actions[i].name))
			return &actions[i];
	return NULL;
}

/*
 * The action of the profile (defaultAction + defaultErrnoRet) or of a rule
 * (action + errnoRet).  The spec wants an error for an errno given to an
 * action that has none, and EPERM when it is left out.
 */
static int parse_action(const json_t *obj, const char *where, const char *akey,
			const char *ekey, uint32_t *out, berr_t *err)
{
	const json_t *a = json_object_get(obj, akey);
	const json_t *e = json_object_get(obj, ekey);
	const struct action_name *an;
	json_int_t ret = EPERM;

	if (!json_is_string(a))
		return berr_fail(err, "%s.%s: %s", where, akey, a ? "must be a string" : "missing");
	an = find_action(json_string_value(a));
	if (!an)
		return berr_fail(err, "%s.%s: unknown action \"%s\"", where, akey,
				 json_string_value(a));
	if (an->action == SCMP_ACT_NOTIFY)
		return berr_fail(err, "%s.%s: SCMP_ACT_NOTIFY (seccomp user notification) is not supported",
				 where, akey);
	if (!json_absent(e)) {
		if (!an->takes_errno)
			return berr_fail(err, "%s.%s: not allowed with %s", where, ekey, an->name);
		/* the kernel keeps 16 bits of data with the action */
		if (!json_is_integer(e) || json_integer_value(e) < 0 || json_integer_value(e) > 0xffff)
			return berr_fail(err, "%s.%s: must be an integer from 0 to 65535", where, ekey);
		ret = json_integer_value(e);
	}
	*out = an->takes_errno ? an->action | (uint32_t)ret : an->action;
	return 0;
}

/* "SCMP_ARCH_X86_64" -> libseccomp's "x86_64" -> token; 0 if unknown here. */
static uint32_t arch_token(const char *name)
{
	static const char prefix[] = "SCMP_ARCH_";
	char lower[32];
	size_t n = 0;

	if (strncmp(name, prefix, sizeof(prefix) - 1) != 0)
		return 0;
	for (const char *p = name + sizeof(prefix) - 1; *p; p++) {
		if (n + 1 >= sizeof(lower))
			return 0;
		lower[n++] = (char)tolower((unsigned char)*p);
	}
	lower[n] = '\0';
	return n ? seccomp_arch_resolve_name(lower) : 0;
}

static int add_arches(struct berth_seccomp *f, const json_t *archs, berr_t *err)
{
	const struct scmp_version *v = seccomp_version();
	const json_t *a;
	size_t i;

	if (json_absent(archs))
		return 0;
	if (!json_is_array(archs))
		return berr_fail(err, FIELD ".architectures: must be an array of strings");
	json_array_foreach(archs, i, a) {
		const char *name = json_string_value(a);
		uint32_t token;
		int rc;

		if (!name)
			return berr_fail(err, FIELD ".architectures[%zu]: must be a string", i);
		token = arch_token(name);
		if (!token)
			return berr_fail(err, FIELD ".architectures[%zu]: unknown architecture \"%s\" (libseccomp %u.%u.%u)",
					 i, name, v->major, v->minor, v->micro);
		/* the native architecture is in every new filter already */
		rc = seccomp_arch_add(f->ctx, token);
		if (rc == -EDOM)
			return berr_fail(err, FIELD ".architectures[%zu]: %s cannot be in one filter "
					 "with the native architecture (other byte order)", i, name);
		if (rc < 0 && rc != -EEXIST)
			return berr_set(err, -rc, FIELD ".architectures[%zu]: add %s", i, name);
	}
	return 0;
}

static int set_flags(struct berth_seccomp *f, const json_t *flags, berr_t *err)
{
	const json_t *fl;
	size_t i;

	if (json_absent(flags)) {
		/* runc's default: leave the speculative store bypass mitigation
		 * to the container.  Optional, so a kernel without it is fine. */
		(void)seccomp_attr_set(f->ctx, SCMP_FLTATR_CTL_SSB, 1);
		return 0;
	}
	if (!json_is_array(flags))
		return berr_fail(err, FIELD ".flags: must be an array of strings");
	json_array_foreach(flags, i, fl) {
		const char *name = json_string_value(fl);
		size_t k;
		int rc;

		if (!name)
			return berr_fail(err, FIELD ".flags[%zu]: must be a string", i);
		if (!strcmp(name, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"))
			return berr_fail(err, FIELD ".flags[%zu]: %s is only for SCMP_ACT_NOTIFY, which is not supported",
					 i, name);
		for (k = 0; k < ARRAY_SIZE(flag_attrs); k++)
			if (!strcmp(name, flag_attrs[k].name))
				break;
		if (k == ARRAY_SIZE(flag_attrs))
			return berr_fail(err, FIELD ".flags[%zu]: unknown flag \"%s\"", i, name);
		/* libseccomp asks the kernel here, so an unsupported flag fails now */
		rc = seccomp_attr_set(f->ctx, flag_attrs[k].attr, 1);
		if (rc < 0)
			return berr_set(err, -rc, FIELD ".flags[%zu]: %s", i, name);
	}
	return 0;
}

static int parse_arg(const json_t *a, const char *where, size_t j, struct scmp_arg_cmp *c,
		     berr_t *err)
{
	const json_t *idx, *val, *val2, *op;
	size_t k;

	if (!json_is_object(a))
		return berr_fail(err, "%s.args[%zu]: must be an object", where, j);
	idx = json_object_get(a, "index");
	val = json_object_get(a, "value");
	val2 = json_object_get(a, "valueTwo");
	op = json_object_get(a, "op");
	if (!json_is_integer(idx) || json_integer_value(idx) < 0 ||
	    json_integer_value(idx) >= MAX_SYSCALL_ARGS)
		return berr_fail(err, "%s.args[%zu].index: must be an integer from 0 to 5", where, j);
	if (!json_is_integer(val))
		return berr_fail(err, "%s.args[%zu].value: %s", where, j,
				 val ? "must be an integer" : "missing");
	if (!json_absent(val2) && !json_is_integer(val2))
		return berr_fail(err, "%s.args[%zu].valueTwo: must be an integer", where, j);
	if (!json_is_string(op))
		return berr_fail(err, "%s.args[%zu].op: %s", where, j, op ? "must be a string" : "missing");
	for (k = 0; k < ARRAY_SIZE(operators); k++)
		if (!strcmp(json_string_value(op), operators[k].name))
			break;
	if (k == ARRAY_SIZE(operators))
		return berr_fail(err, "%s.args[%zu].op: unknown operator \"%s\"", where, j,
				 json_string_value(op));
	/* uint64 values: the spec parser stores [2^63, 2^64) as negative */
	*c = (struct scmp_arg_cmp){
		.arg = (unsigned int)json_integer_value(idx),
		.op = operators[k].op,
		.datum_a = (scmp_datum_t)json_integer_value(val),
		.datum_b = json_absent(val2) ? 0 : (scmp_datum_t)json_integer_value(val2),
	};
	return 0;
}

/*
 * All conditions of a rule, and whether two of them test the same argument:
 * libseccomp cannot AND those, so (like runc) each condition then becomes a
 * rule of its own.  *conds is allocated (NULL when there are none).
 */
static int parse_args(const json_t *args, const char *where, struct scmp_arg_cmp **conds,
		      size_t *n, bool *split, berr_t *err)
{
	unsigned int seen = 0;
	const json_t *a;
	size_t j;

	*conds = NULL;
	*n = 0;
	*split = false;
	if (json_absent(args))
		return 0;
	if (!json_is_array(args))
		return berr_fail(err, "%s.args: must be an array", where);
	if (json_array_size(args) == 0)
		return 0;
	*conds = calloc(json_array_size(args), sizeof(**conds));
	if (!*conds)
		return berr_errno(err, "%s.args", where);
	json_array_foreach(args, j, a) {
		struct scmp_arg_cmp *c = &(*conds)[j];

		if (parse_arg(a, where, j, c, err) < 0)
			return -1;
		if (seen & (1u << c->arg))
			*split = true;
		seen |= 1u << c->arg;
	}
	*n = json_array_size(args);
	return 0;
}

static void note_ignored(struct berth_seccomp *f, const char *name)
{
	size_t used = strlen(f->ignored);

	f->n_ignored++;
	if (used + strlen(name) + 2 < sizeof(f->ignored))
		snprintf(f->ignored + used, sizeof(f->ignored) - used, "%s%s", used ? "," : "", name);
}

/* One syscall of a rule; returns a negative errno from libseccomp. */
static int add_syscall(struct berth_seccomp *f, uint32_t act, int nr,
		       const struct scmp_arg_cmp *conds, size_t n, bool split)
{
	int rc;

	/* _array, not _exact: libseccomp maps multiplexed calls (socketcall,
	 * ipc) and the other architectures of the filter itself. */
	if (!split) {
		rc = seccomp_rule_add_array(f->ctx, act, nr, (unsigned int)n, n ? conds : NULL);
		if (rc == 0)
			f->n_rules++;
		return rc;
	}
	for (size_t k = 0; k < n; k++) {
		rc = seccomp_rule_add_array(f->ctx, act, nr, 1, &conds[k]);
		if (rc < 0)
			return rc;
		f->n_rules++;
	}
	return 0;
}

static int add_names(struct berth_seccomp *f, const json_t *names, const char *where,
		     uint32_t act, bool redundant, const struct scmp_arg_cmp *conds, size_t n,
		     bool split, berr_t *err)
{
	const json_t *nm;
	size_t j;

	if (!json_is_array(names) || json_array_size(names) == 0)
		return berr_fail(err, "%s.names: must be a non-empty array of strings", where);
	json_array_foreach(names, j, nm) {
		const char *name = json_string_value(nm);
		int nr, rc;

		if (!name || !*name)
			return berr_fail(err, "%s.names[%zu]: must be a non-empty string", where, j);
		if (redundant)
			continue;
		/* unknown here (a newer kernel's call): skip it, as runc does */
		nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR) {
			note_ignored(f, name);
			continue;
		}
		rc = add_syscall(f, act, nr, conds, n, split);
		if (rc < 0)
			return berr_set(err, -rc, "%s: add rule for \"%s\"", where, name);
	}
	return 0;
}

static int add_rule(struct berth_seccomp *f, const json_t *rule, size_t i, uint32_t def_act,
		    berr_t *err)
{
	_cleanup_free_ struct scmp_arg_cmp *conds = NULL;
	char where[64];
	uint32_t act;
	size_t n;
	bool split;

	snprintf(where, sizeof(where), FIELD ".syscalls[%zu]", i);
	if (!json_is_object(rule))
		return berr_fail(err, "%s: must be an object", where);
	if (parse_action(rule, where, "action", "errnoRet", &act, err) < 0 ||
	    parse_args(json_object_get(rule, "args"), where, &conds, &n, &split, err) < 0)
		return -1;
	/* libseccomp refuses a rule with the default action (EACCES); it
	 * would change nothing, so skip it after checking it. */
	return add_names(f, json_object_get(rule, "names"), where, act, act == def_act, conds, n,
			 split, err);
}

static int add_rules(struct berth_seccomp *f, const json_t *rules, uint32_t def_act, berr_t *err)
{
	const json_t *r;
	size_t i;

	json_array_foreach(rules, i, r)
		if (add_rule(f, r, i, def_act, err) < 0)
			return -1;
	return 0;
}

static int new_filter(uint32_t def_act, struct berth_seccomp **out, berr_t *err)
{
	struct berth_seccomp *f = calloc(1, sizeof(*f));
	int rc;

	if (!f)
		return berr_errno(err, FIELD);
	f->ctx = seccomp_init(def_act);
	if (!f->ctx) {
		free(f);
		return berr_set(err, ENOMEM, FIELD ": seccomp_init");
	}
	*out = f;
	/* Never set no_new_privs: that is process.noNewPrivileges' job.
	 * SYSRAWRC: get the kernel's errno from seccomp_load, not ECANCELED. */
	rc = seccomp_attr_set(f->ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (rc == 0)
		rc = seccomp_attr_set(f->ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	if (rc < 0)
		return berr_set(err, -rc, FIELD ": set filter attributes");
	return 0;
}

int seccomp_compile(const json_t *sc, struct berth_seccomp **out, berr_t *err)
{
	struct berth_seccomp *f = NULL;
	const json_t *rules;
	uint32_t def_act;

	*out = NULL;
	if (json_absent(sc))
		return 0;
	if (!json_is_object(sc))
		return berr_fail(err, FIELD ": must be an object");
	rules = json_object_get(sc, "syscalls");
	if (!json_absent(rules) && !json_is_array(rules))
		return berr_fail(err, FIELD ".syscalls: must be an array");
	/* runc: neither a default action nor rules means no seccomp at all */
	if (!json_object_get(sc, "defaultAction") && json_array_size(rules) == 0)
		return 0;
	if (parse_action(sc, FIELD, "defaultAction", "defaultErrnoRet", &def_act, err) < 0)
		return -1;
	if (new_filter(def_act, &f, err) < 0 ||
	    add_arches(f, json_object_get(sc, "architectures"), err) < 0 ||
	    set_flags(f, json_object_get(sc, "flags"), err) < 0 ||
	    add_rules(f, rules, def_act, err) < 0) {
		seccomp_free(f);
		return -1;
	}
	if (f->n_rules > BTREE_MIN_RULES)
		(void)seccomp_attr_set(f->ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
#if SCMP_VER_MAJOR > 2 || SCMP_VER_MINOR >= 6
	/* generate the BPF now, so that the init's seccomp_load only loads */
	if (seccomp_precompute(f->ctx) < 0) {
		seccomp_free(f);
		return berr_fail(err, FIELD ": generate the filter");
	}
#endif
	*out = f;
	return 0;
}

int seccomp_install(struct berth_seccomp *f, berr_t *err)
{
	int rc;

	if (!f)
		return 0;
	rc = seccomp_load(f->ctx);
	if (rc == -EACCES)
		return berr_set(err, EACCES,
				"load seccomp filter (without noNewPrivileges this needs CAP_SYS_ADMIN)");
	if (rc < 0)
		return berr_set(err, -rc, "load seccomp filter");
	return 0;
}

void seccomp_free(struct berth_seccomp *f)
{
	if (!f)
		return;
	seccomp_release(f->ctx);
	free(f);
}

size_t seccomp_ignored(const struct berth_seccomp *f, const char **names)
{
	if (names)
		*names = f ? f->ignored : "";
	return f ? f->n_ignored : 0;
}

size_t seccomp_rule_count(const struct berth_seccomp *f)
{
	return f ? f->n_rules : 0;
}
