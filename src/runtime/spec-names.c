/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Names of the spec's enumerations, shared by the parser, error messages and
 * the features command.  The tables are static on purpose: what a config may
 * name is defined by the spec and capabilities(7), not by the kernel we run on
 * (the caps code checks cap_last_cap when it applies them).
 */
#include "spec.h"
#include "../util/cleanup.h"

#include <string.h>
#include <sys/resource.h>

static const char *const ns_names[SPEC_NS_COUNT] = {
	[SPEC_NS_PID] = "pid",
	[SPEC_NS_NET] = "network",
	[SPEC_NS_MNT] = "mount",
	[SPEC_NS_IPC] = "ipc",
	[SPEC_NS_UTS] = "uts",
	[SPEC_NS_USER] = "user",
	[SPEC_NS_CGROUP] = "cgroup",
	[SPEC_NS_TIME] = "time",
};

static const char *const hook_names[SPEC_HOOK_KIND_COUNT] = {
	[SPEC_HOOK_PRESTART] = "prestart",
	[SPEC_HOOK_CREATE_RUNTIME] = "createRuntime",
	[SPEC_HOOK_CREATE_CONTAINER] = "createContainer",
	[SPEC_HOOK_START_CONTAINER] = "startContainer",
	[SPEC_HOOK_POSTSTART] = "poststart",
	[SPEC_HOOK_POSTSTOP] = "poststop",
};

/* Index = capability number, see <linux/capability.h>. */
static const char *const cap_names[] = {
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE",		/* 10 */
	"CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",
	"CAP_NET_RAW",
	"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",
	"CAP_SYS_MODULE",
	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",		/* 20 */
	"CAP_SYS_ADMIN",
	"CAP_SYS_BOOT",
	"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",
	"CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",
	"CAP_LEASE",
	"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",		/* 30 */
	"CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",
	"CAP_SYSLOG",
	"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",
	"CAP_AUDIT_READ",
	"CAP_PERFMON",
	"CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",	/* 40 */
};

/* The bit masks in struct spec_process are uint64_t. */
_Static_assert(ARRAY_SIZE(cap_names) <= 64, "capability masks are 64 bits wide");

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_STACK", RLIMIT_STACK },
};

const char *spec_ns_name(enum spec_ns ns)
{
	if ((unsigned int)ns >= SPEC_NS_COUNT)
		return "unknown";
	return ns_names[ns];
}

const char *spec_hook_name(enum spec_hook_kind k)
{
	if ((unsigned int)k >= SPEC_HOOK_KIND_COUNT)
		return "unknown";
	return hook_names[k];
}

int spec_cap_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(cap_names); i++)
		if (!strcmp(name, cap_names[i]))
			return (int)i;
	return -1;
}

int spec_rlimit_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_names); i++)
		if (!strcmp(name, rlimit_names[i].name))
			return rlimit_names[i].resource;
	return -1;
}
