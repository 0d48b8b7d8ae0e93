/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SELinux/AppArmor against a fake procfs and sysfs in a temporary directory
 * (there "thread-self" is a plain directory): detection, what is written
 * where at exec time, the runtime-side check, and the mount label data.
 */
#include "runtime/lsm.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "tap.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[64];
static char proc[128], sys[128];

/* Write text to root/rel, making the directories; NULL text: remove it. */
static void put(const char *rel, const char *text)
{
	_cleanup_berr_ berr_t err = NULL;
	char path[512], *slash;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (!text) {
		unlink(path);
		return;
	}
	slash = strrchr(path, '/');
	*slash = '\0';
	if (mkdir_p(path, 0755, &err) < 0)
		abort();
	*slash = '/';
	if (write_file_at(AT_FDCWD, path, text, strlen(text), 0644, &err) < 0)
		abort();
}

/* Contents of root/rel ("<missing>" if it is not there). */
static char *get(const char *rel)
{
	_cleanup_berr_ berr_t err = NULL;
	static char buf[512];
	char path[512], *text = NULL;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (read_file_at(AT_FDCWD, path, 4096, &text, NULL, &err) < 0)
		return strcpy(buf, "<missing>");
	snprintf(buf, sizeof(buf), "%s", text);
	free(text);
	return buf;
}

static void reset_attrs(void)
{
	put("proc/thread-self/attr/exec", "");
	put("proc/thread-self/attr/apparmor/exec", "");
}

static void selinux_on(void)
{
	put("proc/filesystems", "nodev\tsysfs\nnodev\tproc\nnodev\tselinuxfs\n\text4\n");
	put("proc/thread-self/attr/current", "system_u:system_r:unconfined_t:s0");
}

static void apparmor_on(void)
{
	put("sys/kernel/security/apparmor/profiles", "");
	put("sys/module/apparmor/parameters/enabled", "Y\n");
}

static void test_detection(void)
{
	TAP_CHECK(!lsm_selinux_enabled(proc), "selinux: no proc files: disabled");
	put("proc/filesystems", "nodev\tsysfs\nnodev\tnotselinuxfs\nnodev\tselinuxfs2\n\text4\n");
	put("proc/thread-self/attr/current", "unconfined");
	TAP_CHECK(!lsm_selinux_enabled(proc), "selinux: selinuxfs not registered: disabled");
	put("proc/filesystems", "nodev\tsysfs\nnodev\tselinuxfs\n\text4\n");
	put("proc/thread-self/attr/current", "kernel\n");
	TAP_CHECK(!lsm_selinux_enabled(proc), "selinux: no policy loaded (\"kernel\"): disabled");
	put("proc/thread-self/attr/current", NULL);
	TAP_CHECK(!lsm_selinux_enabled(proc), "selinux: attr/current unreadable: disabled");
	put("proc/filesystems", "nodev\tselinuxfs");
	put("proc/thread-self/attr/current", "system_u:system_r:unconfined_t:s0\n");
	TAP_CHECK(lsm_selinux_enabled(proc), "selinux: selinuxfs (last line, no newline) and a policy: enabled");

	TAP_CHECK(!lsm_apparmor_enabled(sys), "apparmor: no sys files: disabled");
	put("sys/module/apparmor/parameters/enabled", "Y\n");
	TAP_CHECK(!lsm_apparmor_enabled(sys), "apparmor: enabled=Y but no securityfs dir: disabled (runc)");
	put("sys/kernel/security/apparmor/profiles", "");
	put("sys/module/apparmor/parameters/enabled", "N\n");
	TAP_CHECK(!lsm_apparmor_enabled(sys), "apparmor: enabled=N: disabled");
	put("sys/module/apparmor/parameters/enabled", "");
	TAP_CHECK(!lsm_apparmor_enabled(sys), "apparmor: enabled empty: disabled");
	put("sys/module/apparmor/parameters/enabled", "Y\n");
	TAP_CHECK(lsm_apparmor_enabled(sys), "apparmor: securityfs dir and enabled=Y: enabled");
	printf("# this host: selinux %d, apparmor %d\n", lsm_selinux_enabled("/proc"),
	       lsm_apparmor_enabled("/sys"));
}

static void test_exec_label(void)
{
	_cleanup_berr_ berr_t err = NULL;
	struct spec_process p = { .selinux_label = "system_u:system_r:container_t:s0:c1,c2" };
	char dir[256];
	int ret;

	reset_attrs();
	ret = lsm_set_exec_label(&p, proc, &err);
	TAP_CHECK(ret < 0 && err && strstr(err->msg, "thread-self/attr/exec is not on procfs") &&
		  !strcmp(get("proc/thread-self/attr/exec"), ""),
		  "a label is never written to a file outside procfs (fake /proc)");
	berr_free(&err);

	lsm_allow_fake_proc(true);
	ret = lsm_set_exec_label(&p, proc, &err);
	TAP_CHECK(ret == 0 && !strcmp(get("proc/thread-self/attr/exec"), p.selinux_label),
		  "selinux: the label is written to thread-self/attr/exec");

	reset_attrs();
	p = (struct spec_process){ .apparmor_profile = "berth-default" };
	ret = lsm_set_exec_label(&p, proc, &err);
	TAP_CHECK(ret == 0 && !strcmp(get("proc/thread-self/attr/apparmor/exec"), "exec berth-default") &&
		  !strcmp(get("proc/thread-self/attr/exec"), ""),
		  "apparmor: \"exec PROFILE\" goes to thread-self/attr/apparmor/exec");

	put("proc/thread-self/attr/apparmor/exec", NULL);
	snprintf(dir, sizeof(dir), "%s/thread-self/attr/apparmor", proc);
	rmdir(dir);
	ret = lsm_set_exec_label(&p, proc, &err);
	TAP_CHECK(ret == 0 && !strcmp(get("proc/thread-self/attr/exec"), "exec berth-default"),
		  "apparmor: without attr/apparmor/ (Linux < 5.8) it goes to attr/exec");

	reset_attrs();
	p = (struct spec_process){ .selinux_label = "", .apparmor_profile = NULL };
	ret = lsm_set_exec_label(&p, proc, &err);
	TAP_CHECK(ret == 0 && !strcmp(get("proc/thread-self/attr/exec"), "") &&
		  !strcmp(get("proc/thread-self/attr/apparmor/exec"), ""),
		  "empty label and no profile: nothing is written");

	put("proc/thread-self/attr/exec", NULL);
	p = (struct spec_process){ .selinux_label = "system_u:system_r:container_t:s0" };
	ret = lsm_set_exec_label(&p, proc, &err);
	TAP_CHECK(ret < 0 && err->errnum == ENOENT &&
		  strstr(err->msg, "set SELinux label \"system_u:system_r:container_t:s0\": open ") &&
		  strstr(err->msg, "/proc/thread-self/attr/exec"),
		  "missing attr file: error names the label and the path");
	lsm_allow_fake_proc(false);
	berr_free(&err);
	put("proc/thread-self/attr/exec", "");
}

/* On a host without an LSM the kernel refuses the write, as runc sees it. */
static void test_real_proc(void)
{
	_cleanup_berr_ berr_t err = NULL;
	struct spec_process p = { .apparmor_profile = "berth-test" };
	int ret;

	if (lsm_selinux_enabled("/proc") || lsm_apparmor_enabled("/sys")) {
		TAP_CHECK(1, "# SKIP real procfs: this host has an LSM");
		return;
	}
	ret = lsm_set_exec_label(&p, "/proc", &err);
	TAP_CHECK(ret < 0 && err->errnum == EINVAL &&
		  strstr(err->msg, "set AppArmor profile \"berth-test\": write /proc/thread-self/attr/"),
		  "real procfs, no AppArmor: the kernel refuses the profile (EINVAL), an error as in runc");
	if (err)
		printf("#   %s\n", err->msg);
}

static char debug_text[1024];

static void __attribute__((format(printf, 1, 2))) capture(const char *fmt, ...)
{
	size_t used = strlen(debug_text);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(debug_text + used, sizeof(debug_text) - used, fmt, ap);
	va_end(ap);
}

static void expect_check(const struct spec_process *p, const char *mount_label, const char *want,
			 const char *name)
{
	_cleanup_berr_ berr_t err = NULL;
	int ret = lsm_check(p, mount_label, proc, sys, &err);
	bool ok = want ? ret < 0 && err && strstr(err->msg, want) : ret == 0;

	TAP_CHECK(ok, name);
	if (!ok)
		printf("#   want \"%s\", got \"%s\"\n", want ? want : "(success)", err ? err->msg : "(success)");
}

static void test_check(void)
{
	struct spec_process se = { .selinux_label = "system_u:system_r:container_t:s0" };
	struct spec_process aa = { .apparmor_profile = "berth-default" };
	struct spec_process none = { .selinux_label = "" };

	put("proc/filesystems", "nodev\tproc\n");
	put("sys/module/apparmor/parameters/enabled", "N\n");
	expect_check(NULL, NULL, NULL, "check: nothing set, nothing enabled: fine");
	expect_check(&none, "", NULL, "check: empty label and mount label count as unset");
	expect_check(&se, NULL,
		     "process.selinuxLabel: an SELinux label is set, but SELinux is disabled or not supported",
		     "check: selinuxLabel with SELinux disabled is an error (runc's validator)");
	expect_check(NULL, "system_u:object_r:container_file_t:s0",
		     "linux.mountLabel: an SELinux label is set, but SELinux is disabled",
		     "check: mountLabel with SELinux disabled is an error (runc's mount fails)");
	expect_check(&aa, NULL,
		     "process.apparmorProfile: AppArmor profile \"berth-default\" is set, "
		     "but AppArmor is not enabled on this host",
		     "check: apparmorProfile with AppArmor disabled is an error (runc's init fails)");

	selinux_on();
	apparmor_on();
	lsm_set_debug(capture);
	expect_check(&se, "system_u:object_r:container_file_t:s0:c1,c2", NULL,
		     "check: labels with SELinux enabled: fine");
	expect_check(NULL, "bad\"label", "linux.mountLabel: must not contain '\"'",
		     "check: a quote in the mount label is refused");
	expect_check(&aa, NULL, NULL, "check: profile with AppArmor enabled: fine");
	TAP_CHECK(strstr(debug_text, "selinux: enabled") &&
		  strstr(debug_text, "apparmor: enabled; profile \"berth-default\""),
		  "the decisions go to the debug callback");
	lsm_set_debug(NULL);
}

static void expect_data(const char *data, const char *label, const char *fstype, const char *want,
			const char *name)
{
	_cleanup_free_ char *got = lsm_mount_label_data(data, label, fstype);
	bool ok = want ? got && !strcmp(got, want) : !got && errno == 0;

	TAP_CHECK(ok, name);
	if (!ok)
		printf("#   want %s, got %s\n", want ? want : "NULL", got ? got : "NULL");
}

static void test_mount_data(void)
{
	const char *l = "system_u:object_r:container_file_t:s0:c1,c2";

	expect_data("mode=755,size=65536k", l, "tmpfs",
		    "mode=755,size=65536k,context=\"system_u:object_r:container_file_t:s0:c1,c2\"",
		    "tmpfs: context appended, quoted (MCS commas)");
	expect_data(NULL, l, "tmpfs", "context=\"system_u:object_r:container_file_t:s0:c1,c2\"",
		    "no data: just the context");
	expect_data("", "x_t", "devpts", "context=\"x_t\"", "empty data: just the context");
	expect_data("mode=755", NULL, "tmpfs", "mode=755", "no label: data unchanged");
	expect_data("mode=755", "", "tmpfs", "mode=755", "empty label: data unchanged");
	expect_data(NULL, NULL, "tmpfs", NULL, "no label, no data: NULL, errno 0");
	expect_data(NULL, "x_t", "proc", NULL, "proc: no context");
	expect_data("hidepid=2", "x_t", "proc", "hidepid=2", "proc with data: unchanged");
	expect_data(NULL, "x_t", "sysfs", NULL, "sysfs: no context");
	expect_data(NULL, "x_t", "cgroup", NULL, "cgroup: no context");
	expect_data("nsdelegate", "x_t", "cgroup2", "nsdelegate", "cgroup2: no context");
	expect_data(NULL, "x_t", "mqueue", NULL, "mqueue: no context (runc labels the mount point)");
	expect_data(NULL, "x_t", "bind", NULL, "bind: no context (the kernel ignores bind data)");
	expect_data("ro", "x_t", NULL, "ro", "no type (bind): no context");
	expect_data("size=1m,context=\"a_t\"", "x_t", "tmpfs", "size=1m,context=\"a_t\"",
		    "explicit context= wins");
	expect_data("fscontext=a_t", "x_t", "tmpfs", "fscontext=a_t", "explicit fscontext= wins");
	expect_data("defcontext=a_t,size=1m", "x_t", "tmpfs", "defcontext=a_t,size=1m",
		    "explicit defcontext= wins");
	expect_data("rootcontext=a_t", "x_t", "tmpfs", "rootcontext=a_t", "explicit rootcontext= wins");
	expect_data("mycontext=1", "x_t", "fuse", "mycontext=1,context=\"x_t\"",
		    "an option merely ending in context= is not one");
}

int main(void)
{
	_cleanup_berr_ berr_t err = NULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(root, sizeof(root), "/tmp/berth-test-lsm-XXXXXX");
	if (!mkdtemp(root))
		return 1;
	snprintf(proc, sizeof(proc), "%s/proc", root);
	snprintf(sys, sizeof(sys), "%s/sys", root);
	test_detection();
	test_exec_label();
	test_real_proc();
	test_check();
	test_mount_data();
	if (remove_tree_at(AT_FDCWD, root, &err) < 0)
		printf("# cleanup: %s\n", err->msg);
	return TAP_DONE();
}
