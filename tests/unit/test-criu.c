/* SPDX-License-Identifier: GPL-2.0-or-later */
/* criu's command line for checkpoint and restore, built from a spec and the options. */
#include "tap.h"
#include "runtime/criu.h"
#include "util/cleanup.h"

#include <stdlib.h>

static const char config[] =
	"{ 'ociVersion': '1.2.0', 'root': { 'path': 'rootfs' },"
	"  'process': { 'args': ['sh'], 'cwd': '/', 'user': { 'uid': 0, 'gid': 0 } },"
	"  'mounts': ["
	"    { 'destination': '/proc', 'type': 'proc', 'source': 'proc' },"
	"    { 'destination': '/data', 'type': 'bind', 'source': '/srv/data', 'options': ['rbind'] },"
	"    { 'destination': '/etc/hosts', 'source': 'hosts', 'options': ['bind', 'ro'] },"
	"    { 'destination': '/sys/fs/cgroup', 'type': 'cgroup', 'source': 'cgroup' },"
	"    { 'destination': '/tmp', 'type': 'tmpfs', 'source': 'tmpfs' }"
	"  ],"
	"  'linux': { 'namespaces': [ {'type': 'pid'}, {'type': 'mount'} ],"
	"             'maskedPaths': ['/proc/kcore', '/proc/acpi'] } }";

static char *dq(const char *s)
{
	char *d = strdup(s);

	for (char *p = d; *p; p++)
		if (*p == '\'')
			*p = '"';
	return d;
}

/* index of arg in argv, -1 if absent */
static int find(char **argv, const char *arg)
{
	for (int i = 0; argv[i]; i++)
		if (!strcmp(argv[i], arg))
			return i;
	return -1;
}

/* FLAG VALUE appears as a pair */
static bool has_pair(char **argv, const char *flag, const char *val)
{
	for (int i = 0; argv[i] && argv[i + 1]; i++)
		if (!strcmp(argv[i], flag) && !strcmp(argv[i + 1], val))
			return true;
	return false;
}

static int count(char **argv, const char *arg)
{
	int n = 0;

	for (int i = 0; argv[i]; i++)
		n += !strcmp(argv[i], arg);
	return n;
}

static char **build(const struct criu_req *r)
{
	char **argv = NULL;
	berr_t err = NULL;

	if (criu_build_argv(r, &argv, &err) < 0) {
		printf("# criu_build_argv: %s\n", err->msg);
		berr_free(&err);
		return NULL;
	}
	return argv;
}

static void test_dump(const struct spec *s)
{
	struct berth_checkpoint_opts o = { .tcp_established = true, .file_locks = true };
	char *cg_mounts[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/memory", "/sys/fs/cgroupx", NULL };
	char *masked[] = { "/proc/kcore", NULL };
	char *ext[] = { "net[4026531840]:extRootNetNS", NULL };
	struct criu_req r = {
		.action = CRIU_DUMP, .o = &o, .spec = s, .pid = 4242, .image_path = "/img",
		.work_path = "/work", .root = "/b/rootfs", .freeze_cgroup = "/sys/fs/cgroup/freezer/x",
		.cgroup_mounts = cg_mounts, .masked_files = masked, .external = ext,
	};
	_cleanup_strv_ char **argv = build(&r);

	TAP_CHECK(argv && !strcmp(argv[0], "criu") && !strcmp(argv[1], "dump"),
		  "dump: default binary is criu from PATH, action dump");
	if (!argv)
		return;
	TAP_CHECK(has_pair(argv, "--tree", "4242"), "dump: --tree is the init's pid");
	TAP_CHECK(has_pair(argv, "--images-dir", "/img") && has_pair(argv, "--work-dir", "/work"),
		  "dump: images and work directories");
	TAP_CHECK(has_pair(argv, "--log-file", "dump.log"), "dump: log file dump.log in the work dir");
	TAP_CHECK(has_pair(argv, "--root", "/b/rootfs"), "dump: --root is the rootfs");
	TAP_CHECK(find(argv, "--manage-cgroups=soft") > 0, "dump: cgroup mode defaults to soft");
	TAP_CHECK(find(argv, "--leave-running") < 0, "dump: no --leave-running unless asked");
	TAP_CHECK(find(argv, "--tcp-established") > 0 && find(argv, "--file-locks") > 0,
		  "dump: --tcp-established and --file-locks passed on");
	TAP_CHECK(find(argv, "--shell-job") < 0 && find(argv, "--ext-unix-sk") < 0,
		  "dump: flags not asked for are absent");
	TAP_CHECK(has_pair(argv, "--ext-mount-map", "/data:/data"),
		  "dump: rbind mount is external, keyed by its destination");
	TAP_CHECK(has_pair(argv, "--ext-mount-map", "/etc/hosts:/etc/hosts"),
		  "dump: typeless bind mount (relative source) is external too");
	TAP_CHECK(find(argv, "/proc:/proc") < 0 && find(argv, "/tmp:/tmp") < 0,
		  "dump: proc and tmpfs are criu's own business, not external");
	TAP_CHECK(has_pair(argv, "--ext-mount-map", "/sys/fs/cgroup:/sys/fs/cgroup") &&
		  has_pair(argv, "--ext-mount-map", "/sys/fs/cgroup/memory:/sys/fs/cgroup/memory"),
		  "dump: the host's cgroup tree bound into the container: each hierarchy external");
	TAP_CHECK(find(argv, "/sys/fs/cgroupx:/sys/fs/cgroupx") < 0,
		  "dump: a mount that only shares the prefix is not a cgroup hierarchy");
	TAP_CHECK(has_pair(argv, "--ext-mount-map", "/proc/kcore:/dev/null"),
		  "dump: masked file is a /dev/null bind");
	TAP_CHECK(has_pair(argv, "--freeze-cgroup", "/sys/fs/cgroup/freezer/x"),
		  "dump: the container's freezer cgroup");
	TAP_CHECK(has_pair(argv, "--external", "net[4026531840]:extRootNetNS"),
		  "dump: joined network namespace is external");
	TAP_CHECK(find(argv, "--track-mem") < 0 && find(argv, "--prev-images-dir") < 0,
		  "dump: no memory tracking without a parent");
	TAP_CHECK(count(argv, "--ext-mount-map") == 5, "dump: exactly the external mounts above");
}

static void test_dump_flags(const struct spec *s)
{
	struct berth_checkpoint_opts o = { .leave_running = true, .manage_cgroups_mode = "full",
					   .shell_job = true, .ext_unix_sk = true,
					   .parent_path = "../pre" };
	struct criu_req r = { .action = CRIU_DUMP, .criu = "/opt/criu", .o = &o, .spec = s,
			      .pid = 7, .image_path = "/i", .work_path = "/w", .root = "/r" };
	_cleanup_strv_ char **argv = build(&r);

	TAP_CHECK(argv && !strcmp(argv[0], "/opt/criu"), "--criu PATH is argv[0]");
	if (!argv)
		return;
	TAP_CHECK(find(argv, "--leave-running") > 0, "dump --leave-running");
	TAP_CHECK(find(argv, "--manage-cgroups=full") > 0 && find(argv, "--manage-cgroups=soft") < 0,
		  "dump: --manage-cgroups-mode full");
	TAP_CHECK(find(argv, "--shell-job") > 0 && find(argv, "--ext-unix-sk") > 0,
		  "dump: --shell-job and --ext-unix-sk");
	TAP_CHECK(has_pair(argv, "--prev-images-dir", "../pre") && find(argv, "--track-mem") > 0,
		  "dump with a parent: --prev-images-dir and --track-mem");
	TAP_CHECK(find(argv, "--freeze-cgroup") < 0, "dump: no freezer cgroup, no --freeze-cgroup");
	TAP_CHECK(count(argv, "--ext-mount-map") == 2, "dump: no cgroup hierarchies when not bound");
}

static void test_pre_dump(const struct spec *s)
{
	struct berth_checkpoint_opts o = { .pre_dump = true, .leave_running = true };
	struct criu_req r = { .action = CRIU_PRE_DUMP, .o = &o, .spec = s, .pid = 7,
			      .image_path = "/i", .work_path = "/w", .root = "/r" };
	_cleanup_strv_ char **argv = build(&r);

	TAP_CHECK(argv && !strcmp(argv[1], "pre-dump") && find(argv, "--track-mem") > 0 &&
		  find(argv, "--leave-running") < 0,
		  "pre-dump: criu pre-dump --track-mem (it never stops the container)");
}

static void test_restore(const struct spec *s)
{
	struct berth_checkpoint_opts o = { .tcp_established = true, .manage_cgroups_mode = "ignore",
					   .lsm_profile = "apparmor:x" };
	char *cg_mounts[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/memory", NULL };
	char *roots[] = { "memory:/berth/c2", "/berth/c2", NULL };
	char *inherit[] = { "fd[10]:pipe:[1234]", NULL };
	struct criu_req r = {
		.action = CRIU_RESTORE, .o = &o, .spec = s, .bundle = "/bundle", .image_path = "/img",
		.work_path = "/w", .root = "/state/c2/criu-root", .pid_file = "/state/c2/criu.pid",
		.cgroup_mounts = cg_mounts, .cgroup_roots = roots, .inherit_fds = inherit,
	};
	_cleanup_strv_ char **argv = build(&r);

	TAP_CHECK(argv && !strcmp(argv[1], "restore"), "restore: action restore");
	if (!argv)
		return;
	TAP_CHECK(find(argv, "--tree") < 0, "restore: no --tree");
	TAP_CHECK(has_pair(argv, "--log-file", "restore.log"), "restore: log file restore.log");
	TAP_CHECK(find(argv, "--restore-detached") > 0 && find(argv, "--restore-sibling") > 0,
		  "restore: detached, as a sibling (our child)");
	TAP_CHECK(has_pair(argv, "--pidfile", "/state/c2/criu.pid"), "restore: --pidfile");
	TAP_CHECK(has_pair(argv, "--root", "/state/c2/criu-root"), "restore: --root");
	TAP_CHECK(has_pair(argv, "--ext-mount-map", "/data:/srv/data"),
		  "restore: bind mount maps its key to the host source");
	TAP_CHECK(has_pair(argv, "--ext-mount-map", "/etc/hosts:/bundle/hosts"),
		  "restore: relative bind source resolves in the bundle");
	TAP_CHECK(has_pair(argv, "--ext-mount-map", "/sys/fs/cgroup/memory:/sys/fs/cgroup/memory"),
		  "restore: cgroup hierarchies map to the host's");
	TAP_CHECK(has_pair(argv, "--ext-mount-map", "/dev/null:/dev/null") &&
		  find(argv, "/proc/kcore:/dev/null") < 0,
		  "restore: masked files come back from the one /dev/null key");
	TAP_CHECK(has_pair(argv, "--cgroup-root", "memory:/berth/c2") &&
		  has_pair(argv, "--cgroup-root", "/berth/c2"), "restore: the new container's cgroups");
	TAP_CHECK(has_pair(argv, "--inherit-fd", "fd[10]:pipe:[1234]"), "restore: --inherit-fd");
	TAP_CHECK(find(argv, "--manage-cgroups=ignore") > 0, "restore: --manage-cgroups-mode ignore");
	TAP_CHECK(find(argv, "--tcp-established") > 0, "restore: --tcp-established");
	TAP_CHECK(has_pair(argv, "--lsm-profile", "apparmor:x"), "restore: --lsm-profile");
	TAP_CHECK(find(argv, "--leave-running") < 0 && find(argv, "--freeze-cgroup") < 0,
		  "restore: no dump-only flags");
}

static void test_bad_input(const struct spec *s)
{
	struct berth_checkpoint_opts o = { .manage_cgroups_mode = "loose" };
	struct criu_req r = { .action = CRIU_DUMP, .o = &o, .spec = s, .pid = 7,
			      .image_path = "/i", .work_path = "/w", .root = "/r" };
	char **argv = NULL;
	berr_t err = NULL;
	int ret = criu_build_argv(&r, &argv, &err);

	TAP_CHECK(ret < 0 && !argv && err && strstr(err->msg, "\"loose\""),
		  "unknown cgroup mode fails, naming it");
	berr_free(&err);
	o.manage_cgroups_mode = NULL;
	o.empty_ns = "pid";
	ret = criu_build_argv(&r, &argv, &err);
	TAP_CHECK(ret < 0 && err && strstr(err->msg, "--empty-ns"), "--empty-ns other than network fails");
	berr_free(&err);
	o.empty_ns = "network";
	ret = criu_build_argv(&r, &argv, &err);
	TAP_CHECK(ret == 0 && has_pair(argv, "--empty-ns", "net"), "--empty-ns network is criu's net");
	strv_freep(&argv);
	r.work_path = NULL;
	ret = criu_build_argv(&r, &argv, &err);
	TAP_CHECK(ret < 0 && !argv, "missing work path fails");
	berr_free(&err);
	TAP_CHECK(criu_check_cgroup_mode("strict", NULL) == 0 &&
		  criu_check_cgroup_mode(NULL, NULL) == 0, "strict and unset modes are accepted");
}

int main(void)
{
	_cleanup_free_ char *doc = dq(config);
	struct spec *s = NULL;
	berr_t err = NULL;

	if (spec_parse(doc, strlen(doc), &s, &err) < 0) {
		printf("Bail out! config: %s\n", err->msg);
		return 1;
	}
	test_dump(s);
	test_dump_flags(s);
	test_pre_dump(s);
	test_restore(s);
	test_bad_input(s);
	spec_free(s);
	return TAP_DONE();
}
