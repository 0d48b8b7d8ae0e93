/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.json parser: one full valid config checked field by field, then
 * many single-field mutations of it that must fail with an error naming the
 * field.
 */
#include "runtime/spec.h"
#include "util/cleanup.h"
#include "tap.h"

#include <fcntl.h>
#include <linux/ioprio.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/resource.h>

/* Written with single quotes for readability; see dq().  The process object
 * is also a valid process file on its own (exec --process). */
#define BASE_PROCESS \
	"{" \
	"    'terminal': true, 'consoleSize': { 'height': 24, 'width': 80 }," \
	"    'user': { 'uid': 1000, 'gid': 1001, 'umask': 18, 'additionalGids': [5, 6] }," \
	"    'args': ['sh', '-c', 'true']," \
	"    'env': ['PATH=/usr/bin', 'TERM=xterm']," \
	"    'cwd': '/'," \
	"    'capabilities': {" \
	"      'bounding': ['CAP_CHOWN', 'CAP_KILL', 'CAP_CHECKPOINT_RESTORE']," \
	"      'effective': ['CAP_CHOWN'], 'inheritable': [], 'permitted': ['CAP_CHOWN'], 'ambient': null }," \
	"    'rlimits': [ { 'type': 'RLIMIT_NOFILE', 'soft': 1024, 'hard': 4096 }," \
	"                 { 'type': 'RLIMIT_CORE', 'soft': 18446744073709551615, 'hard': 18446744073709551615 } ]," \
	"    'noNewPrivileges': true, 'oomScoreAdj': -500," \
	"    'apparmorProfile': 'berth-default', 'selinuxLabel': ''," \
	"    'ioPriority': { 'class': 'IOPRIO_CLASS_BE', 'priority': 4 }," \
	"    'scheduler': { 'policy': 'SCHED_FIFO', 'priority': 10, 'flags': ['SCHED_FLAG_RESET_ON_FORK'] }" \
	"  }"

static const char base_config[] =
	"{ 'ociVersion': '1.2.0',"
	"  'root': { 'path': 'rootfs', 'readonly': true },"
	"  'hostname': 'box', 'domainname': 'example.org',"
	"  'mounts': ["
	"    { 'destination': '/proc', 'type': 'proc', 'source': 'proc' },"
	"    { 'destination': 'dev', 'type': 'tmpfs', 'source': 'tmpfs',"
	"      'options': ['nosuid', 'strictatime', 'mode=755', '', 'size=65536k'] },"
	"    { 'destination': '/data', 'source': '/srv/data',"
	"      'options': ['rbind', 'ro', 'rprivate', 'rnoatime', 'rnosuid', 'tmpcopyup', 'defaults'] },"
	"    { 'destination': '/b', 'type': 'bind', 'source': '/x', 'options': ['ro', 'rw', 'noexec', 'rro'] }"
	"  ],"
	"  'process': " BASE_PROCESS ","
	"  'hooks': {"
	"    'prestart': [ { 'path': '/bin/pre', 'args': ['pre', 'x'], 'env': ['A=1'], 'timeout': 5 } ],"
	"    'createRuntime': [ { 'path': '/bin/cr' } ],"
	"    'poststop': [ { 'path': '/bin/stop' }, { 'path': '/bin/stop2', 'timeout': 1 } ]"
	"  },"
	"  'annotations': { 'org.example.key': 'value', 'k': 'v' },"
	"  'linux': {"
	"    'namespaces': [ {'type': 'pid'}, {'type': 'network', 'path': '/proc/1/ns/net'}, {'type': 'mount'},"
	"                    {'type': 'ipc'}, {'type': 'uts'}, {'type': 'user'}, {'type': 'cgroup', 'path': ''},"
	"                    {'type': 'time'} ],"
	"    'uidMappings': [ { 'containerID': 0, 'hostID': 100000, 'size': 65536 } ],"
	"    'gidMappings': [ { 'containerID': 0, 'hostID': 200000, 'size': 1000 },"
	"                     { 'containerID': 1000, 'hostID': 1000, 'size': 1 } ],"
	"    'devices': [ { 'path': '/dev/fuse', 'type': 'c', 'major': 10, 'minor': 229, 'fileMode': 438,"
	"                   'uid': 0, 'gid': 5 },"
	"                 { 'path': '/dev/fifo', 'type': 'p' } ],"
	"    'cgroupsPath': '/berth/test',"
	"    'resources': { 'memory': { 'limit': 1048576, 'swappiness': 18446744073709551615 } },"
	"    'seccomp': { 'defaultAction': 'SCMP_ACT_ALLOW' },"
	"    'rootfsPropagation': 'rslave',"
	"    'maskedPaths': ['/proc/kcore', '/proc/keys'],"
	"    'readonlyPaths': ['/proc/sys'],"
	"    'mountLabel': 'system_u:object_r:container_file_t:s0',"
	"    'sysctl': { 'net.ipv4.ip_forward': '1', 'kernel.msgmax': '8192' },"
	"    'timeOffsets': { 'monotonic': { 'secs': 10, 'nanosecs': 5 }, 'boottime': { 'secs': -3 } },"
	"    'futureKey': { 'x': 1 }"
	"  },"
	"  'futureTopLevel': [1, 2, 3]"
	"}";

/* Single quotes to double quotes (no test string contains an apostrophe). */
static char *dq(const char *s)
{
	char *d = strdup(s);

	for (char *p = d; *p; p++)
		if (*p == '\'')
			*p = '"';
	return d;
}

static int parse_str(const char *text, struct spec **out, berr_t *err)
{
	_cleanup_free_ char *doc = dq(text);

	return spec_parse(doc, strlen(doc), out, err);
}

/* jansson cannot load 2^64-1, which the parser accepts: for mutate() only,
 * write it as the -1 it reads back as. */
static void unbig(char *s)
{
	static const char big[] = "18446744073709551615";

	for (char *p; (p = strstr(s, big));) {
		memcpy(p, "-1", 2);
		memmove(p + 2, p + strlen(big), strlen(p + strlen(big)) + 1);
	}
}

/*
 * base_config with one change: path is dot-separated keys and array indices
 * ("mounts.2.options.0"), value is JSON (single quotes) or NULL to delete.
 */
static char *mutate(const char *path, const char *value)
{
	_cleanup_free_ char *base = dq(base_config), *val = value ? dq(value) : NULL;
	_cleanup_free_ char *p = strdup(path);
	json_t *root, *parent, *v = NULL;
	char *seg, *next, *out;

	unbig(base);
	root = json_loads(base, 0, NULL);
	if (!root)
		abort();
	if (val && !(v = json_loads(val, JSON_DECODE_ANY, NULL)))
		abort();
	parent = root;
	for (seg = p; (next = strchr(seg, '.')); seg = next + 1) {
		*next = '\0';
		parent = json_is_array(parent) ? json_array_get(parent, strtoul(seg, NULL, 10))
					       : json_object_get(parent, seg);
		if (!parent)
			abort();
	}
	if (json_is_array(parent)) {
		size_t i = strtoul(seg, NULL, 10);

		if (v ? json_array_set_new(parent, i, v) : json_array_remove(parent, i))
			abort();
	} else if (v ? json_object_set_new(parent, seg, v) : json_object_del(parent, seg)) {
		abort();
	}
	out = json_dumps(root, 0);
	json_decref(root);
	return out;
}

/* The document must fail to parse with an error that contains want. */
static void expect_fail_doc(const char *doc, const char *want, const char *name)
{
	_cleanup_berr_ berr_t err = NULL;
	struct spec *s = NULL;
	int r = spec_parse(doc, strlen(doc), &s, &err);
	bool ok = r < 0 && !s && err && err->msg && strstr(err->msg, want);

	if (!ok)
		printf("#   want \"%s\", got r=%d \"%s\"\n", want, r, err && err->msg ? err->msg : "(none)");
	TAP_CHECK(ok, name);
	spec_free(s);
}

static void expect_fail(const char *path, const char *value, const char *want)
{
	_cleanup_free_ char *doc = mutate(path, value), *w = dq(want);
	char name[256];

	snprintf(name, sizeof(name), "bad %s = %s", path, value ? value : "(deleted)");
	expect_fail_doc(doc, w, name);
}

/* The mutated document must parse; returns it for inspection. */
static struct spec *expect_ok(const char *path, const char *value)
{
	_cleanup_free_ char *doc = mutate(path, value);
	_cleanup_berr_ berr_t err = NULL;
	struct spec *s = NULL;
	char name[256];

	snprintf(name, sizeof(name), "ok %s = %s", path, value ? value : "(deleted)");
	if (spec_parse(doc, strlen(doc), &s, &err) < 0)
		printf("#   %s\n", err->msg);
	TAP_CHECK(s != NULL, name);
	return s;
}

static void test_mounts(const struct spec *s)
{
	const struct spec_mount *m = s->mounts;

	TAP_CHECK(s->n_mounts == 4, "4 mounts");
	TAP_CHECK(!strcmp(m[0].destination, "/proc") && !strcmp(m[0].type, "proc") &&
		  !m[0].bind && !m[0].flags && !m[0].data, "mounts[0] proc");
	TAP_CHECK(!strcmp(m[1].destination, "/dev"), "relative destination made absolute");
	TAP_CHECK(m[1].flags == (MS_NOSUID | MS_STRICTATIME), "mounts[1] flags");
	TAP_CHECK(m[1].data && !strcmp(m[1].data, "mode=755,size=65536k"), "mounts[1] data joined");
	TAP_CHECK(m[2].bind && m[2].flags == (MS_BIND | MS_REC | MS_RDONLY) && !m[2].type,
		  "mounts[2] rbind ro");
	TAP_CHECK(m[2].propagation == (MS_PRIVATE | MS_REC), "mounts[2] rprivate");
	TAP_CHECK(m[2].attr_set == (MOUNT_ATTR_NOATIME | MOUNT_ATTR_NOSUID) &&
		  m[2].attr_clr == MOUNT_ATTR__ATIME, "mounts[2] recursive attrs");
	TAP_CHECK(!m[2].data, "tmpcopyup and defaults are not data");
	TAP_CHECK(m[3].bind && m[3].flags == (MS_BIND | MS_NOEXEC) &&
		  m[3].clear_flags == MS_RDONLY, "mounts[3] type bind, rw after ro");
	TAP_CHECK(m[3].attr_set == MOUNT_ATTR_RDONLY && !m[3].attr_clr, "mounts[3] rro");
}

static void test_process(const struct spec *s)
{
	const struct spec_process *p = s->process;

	TAP_CHECK(p != NULL, "process present");
	if (!p)
		return;
	TAP_CHECK(p->terminal && p->has_console_size && p->console_height == 24 &&
		  p->console_width == 80, "terminal and console size");
	TAP_CHECK(p->uid == 1000 && p->gid == 1001 && p->has_umask && p->umask == 022, "user");
	TAP_CHECK(p->n_additional_gids == 2 && p->additional_gids[1] == 6, "additionalGids");
	TAP_CHECK(!strcmp(p->args[0], "sh") && !strcmp(p->args[2], "true") && !p->args[3], "args");
	TAP_CHECK(!strcmp(p->env[1], "TERM=xterm") && !p->env[2], "env");
	TAP_CHECK(!strcmp(p->cwd, "/"), "cwd");
	TAP_CHECK(p->has_caps && p->caps[SPEC_CAP_BOUNDING] ==
		  ((1ull << 0) | (1ull << 5) | (1ull << 40)), "bounding caps");
	TAP_CHECK(p->caps[SPEC_CAP_EFFECTIVE] == 1 && p->caps[SPEC_CAP_INHERITABLE] == 0 &&
		  p->caps[SPEC_CAP_AMBIENT] == 0, "other cap sets");
	TAP_CHECK(p->n_rlimits == 2 && p->rlimits[0].resource == RLIMIT_NOFILE &&
		  p->rlimits[0].soft == 1024 && p->rlimits[0].hard == 4096, "rlimit nofile");
	TAP_CHECK(p->rlimits[1].resource == RLIMIT_CORE && p->rlimits[1].soft == UINT64_MAX &&
		  p->rlimits[1].hard == UINT64_MAX, "rlimit 18446744073709551615 = RLIM_INFINITY");
	TAP_CHECK(p->no_new_privileges && p->has_oom_score_adj && p->oom_score_adj == -500,
		  "nnp, oomScoreAdj");
	TAP_CHECK(!strcmp(p->apparmor_profile, "berth-default") && !p->selinux_label,
		  "apparmor set, empty selinux label is unset");
	TAP_CHECK(p->has_io_priority && p->ioprio_class == IOPRIO_CLASS_BE && p->ioprio_level == 4,
		  "ioPriority");
	TAP_CHECK(p->has_scheduler && p->sched.policy == SCHED_FIFO && p->sched.priority == 10 &&
		  p->sched.flags == 1, "scheduler");
}

static void test_hooks_linux(const struct spec *s)
{
	const struct spec_linux *l = &s->linux;
	json_t *mem;

	TAP_CHECK(s->hooks[SPEC_HOOK_PRESTART].n == 1 &&
		  !strcmp(s->hooks[SPEC_HOOK_PRESTART].v[0].path, "/bin/pre") &&
		  !strcmp(s->hooks[SPEC_HOOK_PRESTART].v[0].args[1], "x") &&
		  s->hooks[SPEC_HOOK_PRESTART].v[0].timeout == 5, "prestart hook");
	TAP_CHECK(s->hooks[SPEC_HOOK_POSTSTOP].n == 2 && !s->hooks[SPEC_HOOK_POSTSTOP].v[0].args &&
		  s->hooks[SPEC_HOOK_POSTSTOP].v[1].timeout == 1, "poststop hooks");
	TAP_CHECK(s->hooks[SPEC_HOOK_START_CONTAINER].n == 0, "no startContainer hooks");
	TAP_CHECK(!strcmp(json_string_value(json_object_get(s->annotations, "k")), "v"), "annotations");
	TAP_CHECK(l->ns[SPEC_NS_PID].present && !l->ns[SPEC_NS_PID].path, "new pid ns");
	TAP_CHECK(!strcmp(l->ns[SPEC_NS_NET].path, "/proc/1/ns/net"), "joined net ns");
	TAP_CHECK(l->ns[SPEC_NS_CGROUP].present && !l->ns[SPEC_NS_CGROUP].path, "empty ns path = new");
	TAP_CHECK(l->n_uid_mappings == 1 && l->uid_mappings[0].host_id == 100000 &&
		  l->uid_mappings[0].size == 65536, "uidMappings");
	TAP_CHECK(l->n_gid_mappings == 2 && l->gid_mappings[1].container_id == 1000, "gidMappings");
	TAP_CHECK(l->n_devices == 2 && l->devices[0].type == 'c' && l->devices[0].major == 10 &&
		  l->devices[0].minor == 229 && l->devices[0].file_mode == 0666 &&
		  l->devices[0].has_gid && l->devices[0].gid == 5, "devices[0]");
	TAP_CHECK(l->devices[1].type == 'p' && !l->devices[1].has_file_mode, "devices[1] fifo");
	TAP_CHECK(!strcmp(l->cgroups_path, "/berth/test"), "cgroupsPath");
	mem = json_object_get(l->resources, "memory");
	TAP_CHECK((uint64_t)json_integer_value(json_object_get(mem, "swappiness")) == UINT64_MAX,
		  "uint64 max in resources reads back");
	TAP_CHECK(json_is_object(l->seccomp) && !l->intel_rdt && !l->personality, "borrowed objects");
	TAP_CHECK(l->rootfs_propagation == (MS_SLAVE | MS_REC), "rootfsPropagation");
	TAP_CHECK(!strcmp(l->masked_paths[1], "/proc/keys") && !l->masked_paths[2] &&
		  !strcmp(l->readonly_paths[0], "/proc/sys"), "masked and readonly paths");
	TAP_CHECK(l->n_sysctl == 2 && !strcmp(l->sysctl[0].key, "net.ipv4.ip_forward") &&
		  !strcmp(l->sysctl[0].value, "1"), "sysctl");
	TAP_CHECK(l->has_time_offsets && l->monotonic_secs == 10 && l->monotonic_nanosecs == 5 &&
		  l->boottime_secs == -3, "timeOffsets");
}

static void test_valid(void)
{
	_cleanup_spec_ struct spec *s = NULL;
	_cleanup_berr_ berr_t err = NULL;
	int r = parse_str(base_config, &s, &err);

	if (r < 0)
		printf("#   %s\n", err->msg);
	TAP_CHECK(r == 0 && s, "full config parses");
	if (!s)
		return;
	TAP_CHECK(!strcmp(s->oci_version, "1.2.0"), "ociVersion");
	TAP_CHECK(!strcmp(s->root_path, "rootfs") && s->root_readonly, "root");
	TAP_CHECK(!strcmp(s->hostname, "box") && !strcmp(s->domainname, "example.org"), "names");
	test_mounts(s);
	test_process(s);
	test_hooks_linux(s);
}

static void test_minimal(void)
{
	_cleanup_spec_ struct spec *s = NULL;
	_cleanup_berr_ berr_t err = NULL;
	int r = parse_str("{'ociVersion': '1.0.2', 'root': {'path': '/r'},"
			  " 'linux': {'namespaces': [{'type': 'mount'}]}}", &s, &err);

	TAP_CHECK(r == 0 && s && !s->process && !s->mounts && !s->hostname && !s->annotations &&
		  !s->linux.masked_paths && !s->linux.rootfs_propagation, "minimal config");
}

static void test_variants(void)
{
	struct spec *s;

	s = expect_ok("process.apparmorProfile", "null");
	TAP_CHECK(s && !s->process->apparmor_profile, "null is absent");
	spec_free(s);
	s = expect_ok("process.env", NULL);
	TAP_CHECK(s && s->process->env && !s->process->env[0], "absent env is an empty vector");
	spec_free(s);
	s = expect_ok("hooks.poststop.0.args", "[]");
	TAP_CHECK(s && !s->hooks[SPEC_HOOK_POSTSTOP].v[0].args, "empty hook args mean none");
	spec_free(s);
	s = expect_ok("mounts.0.type", "''");
	TAP_CHECK(s && !s->mounts[0].type, "empty mount type is unset");
	spec_free(s);
	s = expect_ok("process.rlimits.0.hard", "-1");
	TAP_CHECK(s && s->process->rlimits[0].hard == UINT64_MAX, "rlimit -1 reads as 2^64-1");
	spec_free(s);
	s = expect_ok("mounts.1.options", "['rrelatime', 'rnoatime', 'ratime', 'rw', 'rro', 'rrw']");
	TAP_CHECK(s && s->mounts[1].attr_set == MOUNT_ATTR_RELATIME &&
		  s->mounts[1].attr_clr == (MOUNT_ATTR__ATIME | MOUNT_ATTR_RDONLY) &&
		  s->mounts[1].clear_flags == MS_RDONLY, "later mount options win");
	spec_free(s);
	s = expect_ok("linux.namespaces",
		      "[{'type': 'mount'}, {'type': 'uts'}, {'type': 'time'}, {'type': 'user', 'path': '/proc/1/ns/user'}]");
	TAP_CHECK(s && s->linux.ns[SPEC_NS_USER].path, "mappings with a joined user ns are accepted");
	spec_free(s);
}

static void test_bad_values(void)
{
	expect_fail("ociVersion", "'2.0.0'", "ociVersion: unsupported version '2.0.0'");
	expect_fail("ociVersion", NULL, "ociVersion: missing required field");
	expect_fail("ociVersion", "1", "ociVersion: must be a string");
	expect_fail("root", NULL, "root: missing required field");
	expect_fail("root.path", "''", "root.path: must not be empty");
	expect_fail("root.readonly", "'yes'", "root.readonly: must be a boolean");
	expect_fail("hostname", "5", "hostname: must be a string");
	expect_fail("mounts", "{}", "mounts: must be an array");
	expect_fail("mounts.1", "'x'", "mounts[1]: must be an object");
	expect_fail("mounts.0.destination", NULL, "mounts[0].destination: missing required field");
	expect_fail("mounts.0.destination", "''", "mounts[0].destination: must not be empty");
	expect_fail("mounts.2.options.0", "5", "mounts[2].options[0]: must be a string");
	expect_fail("mounts.1.options.1", "'idmap'", "mounts[1].options[1]: 'idmap' is not supported");
	expect_fail("mounts.1.options.0", "'ridmap'", "mounts[1].options[0]: 'ridmap' is not supported");
	expect_fail("mounts.0.uidMappings", "[]", "mounts[0]: id-mapped mounts are not supported");
	expect_fail("mounts.0.type", "[]", "mounts[0].type: must be a string");
	expect_fail("process", "[]", "process: must be an object");
	expect_fail("process.args", "[]", "process.args: must not be empty");
	expect_fail("process.args", NULL, "process.args: missing required field");
	expect_fail("process.args.1", "true", "process.args[1]: must be a string");
	expect_fail("process.cwd", "'tmp'", "process.cwd: must be an absolute path");
	expect_fail("process.cwd", NULL, "process.cwd: missing required field");
	expect_fail("process.env.1", "'NOEQUALS'", "process.env[1]: must have the form KEY=VALUE");
	expect_fail("process.env.0", "'=x'", "process.env[0]: must have the form KEY=VALUE");
	expect_fail("process.terminal", "1", "process.terminal: must be a boolean");
	expect_fail("process.consoleSize.height", "70000", "process.consoleSize.height: must be an integer");
	expect_fail("process.consoleSize.width", NULL, "process.consoleSize.width: missing required field");
	expect_fail("process.user", NULL, "process.user: missing required field");
	expect_fail("process.user.uid", "-1", "process.user.uid: must be a non-negative integer < 2^32");
	expect_fail("process.user.uid", "4294967296", "process.user.uid: must be a non-negative integer < 2^32");
	expect_fail("process.user.uid", "1.5", "process.user.uid: must be a non-negative integer < 2^32");
	expect_fail("process.user.uid", "4294967295", "process.user.uid: 4294967295 is not a valid id");
	expect_fail("process.user.gid", "'0'", "process.user.gid: must be a non-negative integer");
	expect_fail("process.user.umask", "512", "process.user.umask: must be an integer between 0 and 511");
	expect_fail("process.user.additionalGids.1", "'x'",
		    "process.user.additionalGids[1]: must be a non-negative integer");
	expect_fail("process.capabilities.bounding.1", "'CAP_TEST'",
		    "process.capabilities.bounding: unknown capability 'CAP_TEST'");
	expect_fail("process.capabilities.ambient", "['cap_chown']",
		    "process.capabilities.ambient: unknown capability 'cap_chown'");
	expect_fail("process.capabilities.effective", "'CAP_CHOWN'",
		    "process.capabilities.effective: must be an array");
	expect_fail("process.capabilities.permitted.0", "7",
		    "process.capabilities.permitted[0]: must be a string");
	expect_fail("process.rlimits.0.type", "'RLIMIT_FOO'", "process.rlimits[0].type: unknown rlimit 'RLIMIT_FOO'");
	expect_fail("process.rlimits.1.type", "'RLIMIT_NOFILE'",
		    "process.rlimits[1].type: duplicate rlimit 'RLIMIT_NOFILE'");
	expect_fail("process.rlimits.0.soft", "5000", "process.rlimits[0]: soft limit 5000 exceeds hard limit 4096");
	expect_fail("process.rlimits.0.hard", NULL, "process.rlimits[0].hard: missing required field");
	expect_fail("process.rlimits.0.soft", "1.0", "process.rlimits[0].soft: must be an integer");
	expect_fail("process.oomScoreAdj", "1001", "process.oomScoreAdj: must be an integer between -1000 and 1000");
	expect_fail("process.apparmorProfile", "{}", "process.apparmorProfile: must be a string");
	expect_fail("process.ioPriority.class", "'IOPRIO_CLASS_NONE'",
		    "process.ioPriority.class: unknown class 'IOPRIO_CLASS_NONE'");
	expect_fail("process.ioPriority.priority", "8", "process.ioPriority.priority: must be an integer between 0 and 7");
	expect_fail("process.scheduler.policy", "'SCHED_FOO'", "process.scheduler.policy: unknown policy 'SCHED_FOO'");
	expect_fail("process.scheduler.flags.0", "'SCHED_FLAG_X'", "process.scheduler.flags[0]: unknown flag");
	expect_fail("process.scheduler.nice", "20", "process.scheduler.nice: must be an integer between -20 and 19");
	expect_fail("process.scheduler.priority", "0", "process.scheduler.priority: must be between 1 and 99");
	expect_fail("process.scheduler.runtime", "100", "process.scheduler: runtime, deadline and period");
}

static void test_bad_hooks_linux(void)
{
	expect_fail("hooks", "[]", "hooks: must be an object");
	expect_fail("hooks.prestart.0.path", "'bin/pre'", "hooks.prestart[0].path: must be an absolute path");
	expect_fail("hooks.prestart.0.path", NULL, "hooks.prestart[0].path: missing required field");
	expect_fail("hooks.prestart.0.timeout", "0", "hooks.prestart[0].timeout: must be an integer between 1 and");
	expect_fail("hooks.prestart.0.args.0", "1", "hooks.prestart[0].args[0]: must be a string");
	expect_fail("hooks.prestart.0.env.0", "'A'", "hooks.prestart[0].env[0]: must have the form KEY=VALUE");
	expect_fail("hooks.poststop.1", "'x'", "hooks.poststop[1]: must be an object");
	expect_fail("hooks.createContainer", "{}", "hooks.createContainer: must be an array");
	expect_fail("annotations.k", "1", "annotations.k: must be a string");
	expect_fail("annotations", "[]", "annotations: must be an object");
	expect_fail("annotations", "{'': 'x'}", "annotations: keys must not be empty");
	expect_fail("linux", "[]", "linux: must be an object");
	expect_fail("linux.namespaces.1.type", "'foo'", "linux.namespaces[1].type: unknown namespace type 'foo'");
	expect_fail("linux.namespaces.1.type", "'pid'", "linux.namespaces[1].type: duplicate namespace type 'pid'");
	expect_fail("linux.namespaces.1.path", "'proc/1/ns/net'", "linux.namespaces[1].path: must be an absolute path");
	expect_fail("linux.namespaces", "[{'type': 'mount'}, {'type': 'uts'}, {'type': 'time'}]",
		    "linux.uidMappings: requires a user namespace");
	expect_fail("linux.namespaces", "[{'type': 'mount'}, {'type': 'user'}, {'type': 'time'}]",
		    "hostname: unable to set hostname without a private UTS namespace");
	expect_fail("linux.namespaces", "[{'type': 'mount'}, {'type': 'uts'}, {'type': 'user'}]",
		    "linux.timeOffsets: requires a time namespace");
	expect_fail("linux.namespaces.7.path", "'/proc/1/ns/time'",
		    "linux.timeOffsets: cannot be set when joining an existing time namespace");
	expect_fail("linux.uidMappings", NULL, "linux.uidMappings: a new user namespace needs at least one mapping");
	expect_fail("linux.gidMappings", "[]", "linux.gidMappings: a new user namespace needs at least one mapping");
	expect_fail("linux.uidMappings.0.size", "0", "linux.uidMappings[0].size: must not be 0");
	expect_fail("linux.uidMappings.0.hostID", "4294967295", "linux.uidMappings[0]: range exceeds 2^32-1");
	expect_fail("linux.gidMappings.1.containerID", "-5",
		    "linux.gidMappings[1].containerID: must be a non-negative integer < 2^32");
	expect_fail("linux.devices.0.type", "'x'", "linux.devices[0].type: must be one of");
	expect_fail("linux.devices.0.major", NULL, "linux.devices[0].major: missing required field");
	expect_fail("linux.devices.0.minor", "-1", "linux.devices[0].minor: must be an integer between 0 and 4294967295");
	expect_fail("linux.devices.0.path", "'dev/fuse'", "linux.devices[0].path: must be an absolute path");
	expect_fail("linux.devices.1.fileMode", "65535", "linux.devices[1].fileMode: must be an integer between 0 and 4095");
	expect_fail("linux.resources", "[]", "linux.resources: must be an object");
	expect_fail("linux.seccomp", "'x'", "linux.seccomp: must be an object");
	expect_fail("linux.personality", "1", "linux.personality: must be an object");
	expect_fail("linux.cgroupsPath", "1", "linux.cgroupsPath: must be a string");
	expect_fail("linux.rootfsPropagation", "'weird'", "linux.rootfsPropagation: unknown propagation 'weird'");
	expect_fail("linux.rootfsPropagation", "'ro'", "linux.rootfsPropagation: unknown propagation 'ro'");
	expect_fail("linux.maskedPaths.0", "'proc/kcore'", "linux.maskedPaths[0]: must be an absolute path");
	expect_fail("linux.readonlyPaths", "'/proc/sys'", "linux.readonlyPaths: must be an array");
	expect_fail("linux.sysctl", "{'a.b': 1}", "linux.sysctl.a.b: must be a string");
	expect_fail("linux.timeOffsets.monotonic.nanosecs", "1000000000",
		    "linux.timeOffsets.monotonic.nanosecs: must be an integer between 0 and 999999999");
	expect_fail("linux.timeOffsets", "{'realtime': {}}", "linux.timeOffsets: unknown clock 'realtime'");
	expect_fail("linux.timeOffsets.boottime", "5", "linux.timeOffsets.boottime: must be an object");
}

static void test_bad_documents(void)
{
	expect_fail_doc("", "line 1 column 0", "empty document");
	expect_fail_doc("[]", "must be a JSON object", "array document");
	expect_fail_doc("{\n  \"ociVersion\": ,\n}", "line 2 column 17", "syntax error position");
	expect_fail_doc("{\"ociVersion\": \"1.0.0\", \"ociVersion\": \"1.0.0\"}", "duplicate", "duplicate keys");
	expect_fail_doc("{\"a\": 18446744073709551616}", "too big integer", "2^64 is too big");
	expect_fail_doc("{\"a\": \"x\\u0000y\"}", "NUL", "NUL in a string");
	expect_fail_doc("{\"a\": \"\xff\"}", "unable to decode byte 0xff", "invalid UTF-8");
	/* A rewritten literal keeps the columns of what follows: '}' is at 34. */
	expect_fail_doc("{\"a\": 18446744073709551615, \"b\": }", "line 1 column 34", "column after a big literal");
	/* ... and a big number inside a string is left alone. */
	{
		_cleanup_spec_ struct spec *s = NULL;
		_cleanup_berr_ berr_t err = NULL;
		int r = parse_str("{'ociVersion': '1.0.0', 'root': {'path': 'r'},"
				  " 'annotations': {'n': '18446744073709551615', 'm': '\\\\', 'o': '\\'18446744073709551615'},"
				  " 'linux': {'namespaces': [{'type': 'mount'}], 'resources': {'x': 9223372036854775808}}}",
				  &s, &err);

		TAP_CHECK(r == 0 && !strcmp(json_string_value(json_object_get(s->annotations, "n")),
					    "18446744073709551615") &&
			  !strcmp(json_string_value(json_object_get(s->annotations, "o")),
				  "\"18446744073709551615") &&
			  (uint64_t)json_integer_value(json_object_get(s->linux.resources, "x")) ==
				  (UINT64_C(1) << 63), "big literals: strings untouched, 2^63 wraps");
	}
}

static void test_load(void)
{
	char path[] = "/tmp/test-spec-XXXXXX";
	_cleanup_free_ char *doc = dq(base_config);
	_cleanup_spec_ struct spec *s = NULL;
	_cleanup_berr_ berr_t err = NULL;
	int fd = mkstemp(path);

	TAP_CHECK(fd >= 0 && write(fd, doc, strlen(doc)) == (ssize_t)strlen(doc), "write temp config");
	if (fd >= 0)
		close(fd);
	TAP_CHECK(spec_load(path, &s, &err) == 0 && s && s->n_mounts == 4, "spec_load");
	unlink(path);
	spec_free(steal_ptr(s));
	TAP_CHECK(spec_load(path, &s, &err) < 0 && !s && err && err->errnum == ENOENT, "spec_load ENOENT");
}

/* ---- spec_parse_process() ------------------------------------------- */

/* The text must fail as a process file with an error that contains want. */
static void expect_fail_process_doc(const char *doc, const char *want, const char *name)
{
	_cleanup_berr_ berr_t err = NULL;
	struct spec *s = NULL;
	int r = spec_parse_process(doc, strlen(doc), &s, &err);
	bool ok = r < 0 && !s && err && err->msg && strstr(err->msg, want);

	if (!ok)
		printf("#   want \"%s\", got r=%d \"%s\"\n", want, r, err && err->msg ? err->msg : "(none)");
	TAP_CHECK(ok, name);
	spec_free(s);
}

/* base_config's process object with one change (path as for mutate(),
 * starting with "process"), as a process file must fail with want. */
static void expect_fail_process(const char *path, const char *value, const char *want)
{
	_cleanup_free_ char *doc = mutate(path, value), *w = dq(want), *proc = NULL;
	json_t *root = json_loads(doc, 0, NULL);
	char name[256];

	if (!root || !(proc = json_dumps(json_object_get(root, "process"), 0)))
		abort();
	json_decref(root);
	snprintf(name, sizeof(name), "process file: bad %s = %s", path, value ? value : "(deleted)");
	expect_fail_process_doc(proc, w, name);
}

static void test_process_file(void)
{
	_cleanup_free_ char *doc = dq(BASE_PROCESS), *config = dq(base_config);
	_cleanup_free_ char *min = dq("{'args': ['/bin/true'], 'cwd': '/tmp', 'user': {'uid': 0, 'gid': 0}, 'x': 1}");
	_cleanup_spec_ struct spec *s = NULL;
	_cleanup_berr_ berr_t err = NULL;
	int r = spec_parse_process(doc, strlen(doc), &s, &err);

	if (r < 0)
		printf("#   %s\n", err->msg);
	TAP_CHECK(r == 0 && s && s->json && s->process, "process file parses");
	if (!s)
		return;
	/* The same checks as the config's process, big rlimits included. */
	test_process(s);
	TAP_CHECK(!s->oci_version && !s->root_path && !s->mounts && !s->n_mounts &&
		  !s->hooks[SPEC_HOOK_PRESTART].v && !s->annotations && !s->linux.ns[SPEC_NS_MNT].present &&
		  !s->linux.devices && !s->linux.resources, "process file sets only json and process");
	spec_free(steal_ptr(s));

	TAP_CHECK(spec_parse(min, strlen(min), &s, &err) < 0 && !s, "a process object is not a config");
	berr_free(&err);
	r = spec_parse_process(min, strlen(min), &s, &err);
	TAP_CHECK(r == 0 && s && s->process && !s->process->terminal && s->process->env &&
		  !s->process->env[0] && !s->process->has_caps && !s->process->n_rlimits &&
		  !strcmp(s->process->cwd, "/tmp"), "minimal process file, unknown keys ignored");
	spec_free(steal_ptr(s));

	expect_fail_process_doc("[]", "process: must be an object", "process file: array document");
	expect_fail_process_doc("{\n  \"args\": ,\n}", "line 2 column 11", "process file: syntax error position");
	expect_fail_process_doc("{\"cwd\": \"/\", \"cwd\": \"/\"}", "duplicate", "process file: duplicate keys");
	expect_fail_process_doc("", "line 1 column 0", "process file: empty document");
	expect_fail_process_doc(config, "process.args: missing required field",
				"process file: a whole config.json is refused");
	expect_fail_process("process.args", "[]", "process.args: must not be empty");
	expect_fail_process("process.args", "'sh'", "process.args: must be an array");
	expect_fail_process("process.args.1", "true", "process.args[1]: must be a string");
	expect_fail_process("process.cwd", NULL, "process.cwd: missing required field");
	expect_fail_process("process.cwd", "'tmp'", "process.cwd: must be an absolute path");
	expect_fail_process("process.env.1", "'NOEQUALS'", "process.env[1]: must have the form KEY=VALUE");
	expect_fail_process("process.terminal", "'yes'", "process.terminal: must be a boolean");
	expect_fail_process("process.consoleSize.width", NULL, "process.consoleSize.width: missing required field");
	expect_fail_process("process.user", NULL, "process.user: missing required field");
	expect_fail_process("process.user.uid", "4294967295", "process.user.uid: 4294967295 is not a valid id");
	expect_fail_process("process.user.additionalGids.0", "-1",
			    "process.user.additionalGids[0]: must be a non-negative integer < 2^32");
	expect_fail_process("process.capabilities.bounding.0", "'CAP_NOPE'",
			    "process.capabilities.bounding: unknown capability 'CAP_NOPE'");
	expect_fail_process("process.rlimits.1.type", "'RLIMIT_NOFILE'",
			    "process.rlimits[1].type: duplicate rlimit 'RLIMIT_NOFILE'");
	expect_fail_process("process.rlimits.0.soft", "5000",
			    "process.rlimits[0]: soft limit 5000 exceeds hard limit 4096");
	expect_fail_process("process.oomScoreAdj", "-1001",
			    "process.oomScoreAdj: must be an integer between -1000 and 1000");
	expect_fail_process("process.ioPriority.priority", "8",
			    "process.ioPriority.priority: must be an integer between 0 and 7");
	expect_fail_process("process.scheduler.policy", "'SCHED_OTHER'",
			    "process.scheduler.priority: can only be set for SCHED_FIFO and SCHED_RR");
}

static void test_names(void)
{
	TAP_CHECK(spec_cap_from_name("CAP_CHOWN") == 0 && spec_cap_from_name("CAP_SYS_ADMIN") == 21 &&
		  spec_cap_from_name("CAP_CHECKPOINT_RESTORE") == 40 && spec_cap_from_name("CAP_X") == -1,
		  "capability names");
	TAP_CHECK(spec_rlimit_from_name("RLIMIT_RTTIME") == RLIMIT_RTTIME &&
		  spec_rlimit_from_name("RLIMIT_AS") == RLIMIT_AS && spec_rlimit_from_name("NOFILE") == -1,
		  "rlimit names");
	TAP_CHECK(!strcmp(spec_ns_name(SPEC_NS_NET), "network") && !strcmp(spec_ns_name(SPEC_NS_TIME), "time"),
		  "namespace names");
	TAP_CHECK(!strcmp(spec_hook_name(SPEC_HOOK_CREATE_CONTAINER), "createContainer") &&
		  !strcmp(spec_hook_name(SPEC_HOOK_KIND_COUNT), "unknown"), "hook names");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_valid();
	test_minimal();
	test_variants();
	test_bad_values();
	test_bad_hooks_linux();
	test_bad_documents();
	test_load();
	test_process_file();
	test_names();
	spec_free(NULL);
	return TAP_DONE();
}
