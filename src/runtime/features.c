/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `features`: what this runtime understands, per the runtime-spec features.md. */
#include "berth-runtime.h"
#include "spec.h"

#include <ctype.h>
#include <jansson.h>
#include <linux/capability.h>
#include <sys/capability.h>
#include <seccomp.h>

static const char *const mount_options[] = {
	"async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "lazytime",
	"mand", "noatime", "nodev", "nodiratime", "noexec", "nolazytime", "nomand", "norelatime",
	"nostrictatime", "nosuid", "nosymfollow", "private", "ratime", "rbind", "rdev",
	"rdiratime", "relatime", "remount", "rexec", "rnoatime", "rnodev", "rnodiratime",
	"rnoexec", "rnorelatime", "rnostrictatime", "rnosuid", "rnosymfollow", "ro", "rprivate",
	"rrelatime", "rro", "rrw", "rshared", "rslave", "rstrictatime", "rsuid", "rsymfollow",
	"runbindable", "rw", "shared", "slave", "strictatime", "suid", "symfollow", "sync",
	"tmpcopyup", "unbindable",
};

static json_t *str_array(const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* Names as the spec writes them, from libcap's table. */
static json_t *caps_array(void)
{
	json_t *a = json_array();

	for (int i = 0; i <= CAP_LAST_CAP; i++) {
		char *name = cap_to_name((cap_value_t)i);
		char buf[64];
		size_t n = 0;

		if (!name)
			continue;
		for (const char *p = name; *p && n < sizeof(buf) - 1; p++)
			buf[n++] = (char)toupper((unsigned char)*p);
		buf[n] = '\0';
		cap_free(name);
		json_array_append_new(a, json_string(buf));
	}
	return a;
}

char *berth_features_json(void)
{
	static const char *const hooks[] = { "prestart", "createRuntime", "createContainer",
					     "startContainer", "poststart", "poststop" };
	static const char *const ns[] = { "cgroup", "ipc", "mount", "network", "pid", "time",
					  "user", "uts" };
	static const char *const actions[] = { "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
		"SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
		"SCMP_ACT_TRACE", "SCMP_ACT_TRAP" };
	static const char *const ops[] = { "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
		"SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE" };
	static const char *const archs[] = { "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32",
		"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM" };
	json_t *o, *linux, *seccomp;
	char *text;

	seccomp = json_pack("{s:b, s:o, s:o, s:o, s:o}", "enabled", 1, "actions",
			    str_array(actions, 8), "operators", str_array(ops, 7), "archs",
			    str_array(archs, 5), "knownFlags",
			    json_pack("[s,s,s]", "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
				      "SECCOMP_FILTER_FLAG_SPEC_ALLOW"));
	linux = json_pack("{s:o, s:o, s:{s:b, s:b}, s:o, s:{s:b}, s:{s:b}, s:{s:b}}",
			  "namespaces", str_array(ns, 8), "capabilities", caps_array(),
			  "cgroup", "v1", 1, "v2", 1, "seccomp", seccomp,
			  "apparmor", "enabled", 0, "selinux", "enabled", 0,
			  "intelRdt", "enabled", 0);
	o = json_pack("{s:s, s:s, s:o, s:o, s:o, s:{s:s}}", "ociVersionMin", "1.0.0",
		      "ociVersionMax", BERTH_OCI_VERSION, "hooks", str_array(hooks, 6),
		      "mountOptions", str_array(mount_options, sizeof(mount_options) / sizeof(*mount_options)),
		      "linux", linux, "annotations", "org.opencontainers.runc.checkpoint.enabled",
		      "true");
	if (!o)
		return NULL;
	text = json_dumps(o, JSON_INDENT(4));
	json_decref(o);
	return text;
}
