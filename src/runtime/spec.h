/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_SPEC_H
#define BERTH_SPEC_H

/*
 * config.json (OCI runtime-spec 1.x) parsed and validated into plain C.
 *
 * Everything that can be checked without touching the system is checked by
 * spec_parse(), so a bad config fails before anything is created.  Strings
 * point into the parsed JSON document (owned by struct spec); arrays are
 * allocated and freed by spec_free().
 *
 * jansson keeps integers as long long, but Go writes uint64 fields such as
 * RLIM_INFINITY as 18446744073709551615.  spec_parse() therefore stores
 * literals in [2^63, 2^64) as their two's complement (what a Go uint64 ->
 * int64 conversion gives): readers of uint64 fields in the borrowed json_t
 * objects (resources, ...) cast json_integer_value() to uint64_t.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include "../util/error.h"

/* GNU C dialects predefine `linux` as 1; the spec names its section so. */
#ifdef linux
#undef linux
#endif

enum spec_ns {
	SPEC_NS_PID,
	SPEC_NS_NET,
	SPEC_NS_MNT,
	SPEC_NS_IPC,
	SPEC_NS_UTS,
	SPEC_NS_USER,
	SPEC_NS_CGROUP,
	SPEC_NS_TIME,
	SPEC_NS_COUNT
};

struct spec_namespace {
	bool present;        /* listed in linux.namespaces */
	const char *path;    /* join this one instead of creating; NULL = new */
};

struct spec_id_mapping {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

struct spec_mount {
	const char *destination;  /* absolute (a relative one is made absolute) */
	const char *source;       /* may be NULL (e.g. tmpfs) */
	const char *type;         /* may be NULL: bind mounts */
	unsigned long flags;      /* MS_* to pass to mount(2), incl. MS_BIND/MS_REC */
	unsigned long clear_flags;/* MS_* explicitly cleared (rw, suid, dev, exec...) */
	unsigned long propagation;/* MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE [|MS_REC], 0 = none */
	uint64_t attr_set;        /* MOUNT_ATTR_* set recursively (rro, rnosuid, ...) */
	uint64_t attr_clr;        /* MOUNT_ATTR_* cleared recursively (rrw, rsuid, ...) */
	char *data;               /* fs-specific options joined by ',' or NULL (allocated) */
	bool bind;                /* bind or rbind */
};

/* type "cgroup" or "cgroup2" (a bind entry mounts its source whatever its type) */
static inline bool spec_mount_is_cgroup(const struct spec_mount *m)
{
	return m->type && (!strcmp(m->type, "cgroup") || !strcmp(m->type, "cgroup2"));
}

enum spec_cap_set {
	SPEC_CAP_BOUNDING,
	SPEC_CAP_EFFECTIVE,
	SPEC_CAP_INHERITABLE,
	SPEC_CAP_PERMITTED,
	SPEC_CAP_AMBIENT,
	SPEC_CAP_SET_COUNT
};

struct spec_rlimit {
	int resource;             /* RLIMIT_* */
	uint64_t soft;
	uint64_t hard;
};

struct spec_process {
	bool terminal;
	bool has_console_size;
	unsigned int console_height;
	unsigned int console_width;

	uint32_t uid;
	uint32_t gid;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	bool has_umask;
	mode_t umask;

	char **args;              /* NULL-terminated, at least one element */
	char **env;               /* NULL-terminated, may be empty */
	const char *cwd;          /* absolute */

	bool has_caps;            /* "capabilities" present */
	uint64_t caps[SPEC_CAP_SET_COUNT]; /* bit n = capability n */

	struct spec_rlimit *rlimits;
	size_t n_rlimits;

	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj;
	const char *apparmor_profile;
	const char *selinux_label;

	bool has_io_priority;
	int ioprio_class;         /* IOPRIO_CLASS_RT/BE/IDLE */
	int ioprio_level;

	bool has_scheduler;
	struct {
		int policy;           /* SCHED_* */
		int nice;
		int priority;
		uint64_t flags;       /* SCHED_FLAG_* */
		uint64_t runtime;
		uint64_t deadline;
		uint64_t period;
	} sched;
};

enum spec_hook_kind {
	SPEC_HOOK_PRESTART,
	SPEC_HOOK_CREATE_RUNTIME,
	SPEC_HOOK_CREATE_CONTAINER,
	SPEC_HOOK_START_CONTAINER,
	SPEC_HOOK_POSTSTART,
	SPEC_HOOK_POSTSTOP,
	SPEC_HOOK_KIND_COUNT
};

struct spec_hook {
	const char *path;         /* absolute */
	char **args;              /* NULL-terminated; may be NULL (then argv = {path}) */
	char **env;               /* NULL-terminated; may be NULL */
	int timeout;              /* seconds, 0 = none */
};

struct spec_hooks {
	struct spec_hook *v;
	size_t n;
};

struct spec_device {
	const char *path;         /* absolute, inside the container */
	char type;                /* 'c', 'b', 'u' or 'p' */
	int64_t major;
	int64_t minor;
	bool has_file_mode;
	mode_t file_mode;
	bool has_uid;
	uint32_t uid;
	bool has_gid;
	uint32_t gid;
};

struct spec_sysctl {
	const char *key;
	const char *value;
};

struct spec_linux {
	struct spec_namespace ns[SPEC_NS_COUNT];
	struct spec_id_mapping *uid_mappings;
	size_t n_uid_mappings;
	struct spec_id_mapping *gid_mappings;
	size_t n_gid_mappings;

	struct spec_device *devices;
	size_t n_devices;

	const char *cgroups_path;
	json_t *resources;        /* borrowed; interpreted by the cgroup code */
	json_t *seccomp;          /* borrowed; interpreted by the seccomp code */
	json_t *intel_rdt;        /* borrowed */
	json_t *personality;      /* borrowed */

	unsigned long rootfs_propagation; /* MS_* | MS_REC, 0 = default (rslave of host) */
	char **masked_paths;      /* NULL-terminated, may be NULL */
	char **readonly_paths;    /* NULL-terminated, may be NULL */
	const char *mount_label;

	struct spec_sysctl *sysctl;
	size_t n_sysctl;

	bool has_time_offsets;
	int64_t monotonic_secs;
	uint32_t monotonic_nanosecs;
	int64_t boottime_secs;
	uint32_t boottime_nanosecs;
};

struct spec {
	json_t *json;             /* the whole document, owns every const char * above */
	const char *oci_version;
	const char *root_path;    /* as written: relative to the bundle or absolute */
	bool root_readonly;
	const char *hostname;
	const char *domainname;

	struct spec_mount *mounts;
	size_t n_mounts;

	struct spec_process *process; /* NULL when absent: create works, start fails */

	struct spec_hooks hooks[SPEC_HOOK_KIND_COUNT];

	json_t *annotations;      /* borrowed object, may be NULL */

	struct spec_linux linux;
};

/* Parse and validate.  Errors name the field: "process.args: must not be empty". */
int spec_parse(const char *buf, size_t len, struct spec **out, berr_t *err);
/* Read and parse a file (size-limited). */
int spec_load(const char *path, struct spec **out, berr_t *err);
void spec_free(struct spec *s);
/* A standalone "process" object (exec --process FILE), checked as in
 * config.json; only (*out)->process and (*out)->json are set. */
int spec_parse_process(const char *buf, size_t len, struct spec **out, berr_t *err);

static inline void spec_freep(struct spec **s)
{
	if (*s)
		spec_free(*s);
	*s = NULL;
}
#define _cleanup_spec_ __attribute__((cleanup(spec_freep)))

/* Names used in errors and in the features command. */
const char *spec_ns_name(enum spec_ns ns);       /* "pid", "network", ... */
const char *spec_hook_name(enum spec_hook_kind k); /* "prestart", "createRuntime", ... */
/* Capability number for "CAP_CHOWN" etc., -1 if unknown. */
int spec_cap_from_name(const char *name);
/* RLIMIT_* for "RLIMIT_NOFILE" etc., -1 if unknown. */
int spec_rlimit_from_name(const char *name);

#endif
