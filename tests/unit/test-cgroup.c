/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup code against fake cgroupfs trees (directories of plain files made
 * here, described by a fake mountinfo): mode detection, path computation,
 * what each resource writes on v2 / v1 / hybrid, validation messages,
 * serialize/load, destroy; the device eBPF program (run by a small
 * interpreter, loaded into the kernel, and attached to a real cgroup2
 * directory when this host allows).
 */
#include "runtime/cgroup-internal.h"
#include "util/cleanup.h"
#include "tap.h"

#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char tmp[200];   /* short: paths are built from it */

/* ---- fake tree helpers --------------------------------------------------------- */

static void put(const char *rel, const char *content)
{
	char path[PATH_MAX * 2], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	for (slash = strchr(path + strlen(tmp) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(2);
	}
	fputs(content, f);
	fclose(f);
}

static char *get(const char *rel)
{
	static char buf[8192];
	char path[PATH_MAX * 2];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	f = fopen(path, "r");
	if (!f)
		return strcpy(buf, "<missing>");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static bool is(const char *rel, const char *want)
{
	const char *got = get(rel);

	if (strcmp(got, want))
		printf("#   %s: got \"%s\", want \"%s\"\n", rel, got, want);
	return !strcmp(got, want);
}

static bool exists(const char *rel)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	return access(path, F_OK) == 0;
}

static bool err_has(berr_t e, const char *sub)
{
	if (!e || !e->msg || !strstr(e->msg, sub)) {
		printf("#   error \"%s\" lacks \"%s\"\n", e && e->msg ? e->msg : "(none)", sub);
		return false;
	}
	return true;
}

static char *abs_path(const char *rel)
{
	static char buf[4][PATH_MAX * 2];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmp, rel);
	return buf[i];
}

/* spec with just what the cgroup code reads */
struct tspec {
	struct spec s;
	json_t *res;
};

static struct spec *mkspec(struct tspec *t, const char *path, const char *res)
{
	json_error_t je;

	memset(t, 0, sizeof(*t));
	t->res = res ? json_loads(res, 0, &je) : NULL;
	if (res && !t->res)
		printf("# bad test JSON: %s\n", je.text);
	t->s.linux.resources = t->res;
	t->s.linux.cgroups_path = path;
	return &t->s;
}

/* ---- layout -------------------------------------------------------------------- */

static const char mi_v1[] =
	"24 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
	"31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw,mode=755\n"
	"32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
	"35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
	"36 31 0:33 / /sys/fs/cgroup/devices rw - cgroup cgroup rw,devices\n"
	"39 31 0:36 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n"
	"40 31 0:37 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd\n"
	"90 24 0:32 / /run/c/rootfs/sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";

static void test_layout(void)
{
	_cleanup_berr_ berr_t err = NULL;
	char hybrid[2048], v2[] = "24 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
				  "30 24 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate\n";
	struct cg_layout l;

	TAP_CHECK(cg_layout_parse(mi_v1, "/sys/fs/cgroup", &l, &err) == 0, "layout v1 parses");
	TAP_CHECK(l.mode == CG_MODE_V1 && l.n_v1 == 5 && !l.v2, "layout v1: mode, 5 hierarchies, no cgroup2");
	TAP_CHECK(cg_layout_v1(&l, "cpuacct") && !strcmp(cg_layout_v1(&l, "cpuacct")->dir,
		  "/sys/fs/cgroup/cpu,cpuacct"), "layout v1: co-mounted cpu,cpuacct found by cpuacct");
	TAP_CHECK(cg_layout_v1(&l, "name=systemd") &&
		  !strcmp(cg_layout_v1(&l, "name=systemd")->ctrls, "name=systemd"),
		  "layout v1: name=systemd hierarchy (xattr option dropped)");
	TAP_CHECK(!strcmp(cg_layout_v1(&l, "memory")->dir, "/sys/fs/cgroup/memory"),
		  "layout v1: a container's rootfs cgroup mount is ignored");
	TAP_CHECK(!cg_layout_v1(&l, "freezer"), "layout v1: unmounted controller is absent");
	cg_layout_free(&l);

	snprintf(hybrid, sizeof(hybrid), "%s%s", mi_v1,
		 "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n");
	TAP_CHECK(cg_layout_parse(hybrid, "/sys/fs/cgroup", &l, &err) == 0 &&
		  l.mode == CG_MODE_HYBRID && l.v2 && !strcmp(l.v2->dir, "/sys/fs/cgroup/unified"),
		  "layout hybrid: v1 + cgroup2 at unified");
	cg_layout_free(&l);

	TAP_CHECK(cg_layout_parse(v2, "/sys/fs/cgroup", &l, &err) == 0 && l.mode == CG_MODE_V2 &&
		  l.n_v1 == 0 && !strcmp(l.v2->dir, "/sys/fs/cgroup"), "layout v2: optional fields skipped");
	cg_layout_free(&l);

	/* a tmpfs mounted over fs_root later hides everything below */
	snprintf(hybrid, sizeof(hybrid), "%s%s", mi_v1,
		 "50 31 0:50 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n");
	TAP_CHECK(cg_layout_parse(hybrid, "/sys/fs/cgroup", &l, &err) < 0 && err->errnum == ENOENT &&
		  err_has(err, "no cgroup filesystem mounted at /sys/fs/cgroup"),
		  "layout: mount over fs_root shadows earlier cgroup mounts");

	TAP_CHECK(cg_layout_parse("1 0 0:1 / /c/memory rw - cgroup cgroup rw,memory\n"
				  "2 0 0:1 / /c/mem2 rw - cgroup cgroup rw,memory\n", "/c", &l, &err) == 0 &&
		  l.n_v1 == 1 && !strcmp(l.v1[0].dir, "/c/memory"),
		  "layout: a second mount of a hierarchy is ignored");
	cg_layout_free(&l);

	TAP_CHECK(cg_layout_parse("1 0 0:1 / /x\\040y/mem rw - cgroup cgroup rw,memory\n", "/x y",
				  &l, &err) == 0 && l.n_v1 == 1 && !strcmp(l.v1[0].dir, "/x y/mem"),
		  "layout: octal escapes in mount points");
	cg_layout_free(&l);
}

/* ---- paths --------------------------------------------------------------------- */

static bool path_is(const struct cgroup_opts *o, const char *cgpath, const char *want,
		    bool want_rel)
{
	_cleanup_berr_ berr_t err = NULL;
	_cleanup_free_ char *p = NULL;
	struct tspec t;
	bool rel = !want_rel, ok;

	ok = cg_spec_path(o, mkspec(&t, cgpath, NULL), "ctr1", &p, &rel, &err) == 0 &&
	     !strcmp(p, want) && rel == want_rel;
	if (!ok)
		printf("#   %s -> %s (%s)\n", cgpath ? cgpath : "(null)", p ? p : "error",
		       err ? err->msg : "");
	return ok;
}

static bool path_fails(const struct cgroup_opts *o, const char *cgpath, const char *msg)
{
	_cleanup_berr_ berr_t err = NULL;
	_cleanup_free_ char *p = NULL;
	struct tspec t;
	bool rel;

	return cg_spec_path(o, mkspec(&t, cgpath, NULL), "ctr1", &p, &rel, &err) < 0 &&
	       err_has(err, msg);
}

static void test_paths(void)
{
	struct cgroup_opts fs = { 0 }, sd = { .systemd_path = true };
	_cleanup_berr_ berr_t err = NULL;
	_cleanup_free_ char *s = NULL;

	TAP_CHECK(path_is(&fs, NULL, "/berth/ctr1", false), "path: default /berth/<id>");
	TAP_CHECK(path_is(&fs, "/a//b/./c/", "/a/b/c", false), "path: absolute, cleaned");
	TAP_CHECK(path_is(&fs, "pod/ctr", "pod/ctr", true), "path: relative");
	TAP_CHECK(path_fails(&fs, "/a/../../etc", "linux.cgroupsPath: \"/a/../../etc\" must not contain \"..\""),
		  "path: .. refused naming the field");
	TAP_CHECK(path_fails(&fs, "/", "names the root cgroup"), "path: root cgroup refused");
	TAP_CHECK(path_is(&sd, "system.slice:docker:abc", "/system.slice/docker-abc.scope", false),
		  "systemd path: slice:prefix:name");
	TAP_CHECK(path_is(&sd, "a-b-c.slice:p:n", "/a.slice/a-b.slice/a-b-c.slice/p-n.scope", false),
		  "systemd path: nested slice expanded like systemd");
	TAP_CHECK(path_is(&sd, ":p:n", "/system.slice/p-n.scope", false),
		  "systemd path: empty slice = system.slice");
	TAP_CHECK(path_is(&sd, "-.slice:p:n", "/p-n.scope", false), "systemd path: root slice");
	TAP_CHECK(path_is(&sd, "machine.slice::machine-x.slice", "/machine.slice/machine-x.slice", false),
		  "systemd path: a .slice name is used as is");
	TAP_CHECK(path_is(&sd, NULL, "/system.slice/berth-ctr1.scope", false),
		  "systemd path: default system.slice:berth:<id>");
	TAP_CHECK(path_fails(&sd, "/foo/bar", "is not \"slice:prefix:name\""),
		  "systemd path: plain path refused");
	TAP_CHECK(path_fails(&sd, "foo:p:n", "invalid slice name \"foo\""),
		  "systemd path: slice without .slice refused");
	TAP_CHECK(cg_expand_slice("a--b.slice", &s, &err) < 0 &&
		  cg_expand_slice("-a.slice", &s, &err) < 0 && cg_expand_slice("a/b.slice", &s, &err) < 0,
		  "expand slice: --, leading -, / refused");
}

/* ---- v2 on a fake tree ------------------------------------------------------------ */

static struct cgroup_opts v2o;
static char v2root[256], v2proc[256];

static void fake_v2_cgroup(const char *rel, const char *controllers)
{
	static const char *const files[] = {
		"cgroup.procs", "cgroup.subtree_control", "cgroup.freeze", "memory.max",
		"memory.swap.max", "memory.low", "memory.high", "cpu.weight", "cpu.max.burst",
		"cpu.idle", "cpuset.cpus", "cpuset.mems", "pids.max", "io.weight", "io.max",
		"hugetlb.2MB.max", "hugetlb.2MB.rsvd.max", "hugetlb.1GB.max", "rdma.max",
	};
	char f[PATH_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(f, sizeof(f), "%s/%s", rel, files[i]);
		put(f, "");
	}
	snprintf(f, sizeof(f), "%s/cgroup.controllers", rel);
	put(f, controllers);
	snprintf(f, sizeof(f), "%s/cpu.max", rel);
	put(f, "max 100000\n");
	snprintf(f, sizeof(f), "%s/memory.current", rel);
	put(f, "1000000\n");
	snprintf(f, sizeof(f), "%s/cgroup.events", rel);
	put(f, "populated 1\nfrozen 1\n");
}

static void setup_v2(void)
{
	char mi[PATH_MAX * 2];

	snprintf(v2root, sizeof(v2root), "%s/v2", tmp);
	snprintf(v2proc, sizeof(v2proc), "%s/proc-v2", tmp);
	snprintf(mi, sizeof(mi), "30 1 0:26 / %s rw - cgroup2 cgroup2 rw\n", v2root);
	put("proc-v2/mountinfo", mi);
	put("proc-v2/cgroup", "0::/user.slice/session-1.scope\n");
	put("v2/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma\n");
	put("v2/cgroup.subtree_control", "");
	put("v2/berth/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma\n");
	put("v2/berth/cgroup.subtree_control", "memory\n");
	fake_v2_cgroup("v2/berth/c1", "cpuset cpu io memory hugetlb pids rdma\n");
	v2o = (struct cgroup_opts){ .fs_root = v2root, .proc_dir = v2proc };
}

static const char *first_blockdev(void)
{
	static char dev[64];
	_cleanup_closedir_ DIR *d = opendir("/sys/dev/block");

	for (struct dirent *de; d && (de = readdir(d));)
		if (de->d_name[0] != '.')
			return strcpy(dev, de->d_name);
	return NULL;
}

static void test_v2_create(void)
{
	_cleanup_berr_ berr_t err = NULL;
	struct cgroup *cg = NULL;
	struct tspec t;
	char res[2048];
	const char *dev = first_blockdev();
	unsigned maj = 0, min = 0;

	if (dev)
		sscanf(dev, "%u:%u", &maj, &min);
	snprintf(res, sizeof(res),
		 "{\"memory\": {\"limit\": 67108864, \"swap\": 100663296, \"reservation\": 1048576},"
		 " \"cpu\": {\"shares\": 512, \"quota\": 50000, \"period\": 100000, \"burst\": 1000,"
		 "           \"idle\": 1, \"cpus\": \"0-1\", \"mems\": \"0\"},"
		 " \"pids\": {\"limit\": 20},"
		 " \"blockIO\": {\"weight\": 500%s},"
		 " \"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 4194304}],"
		 " \"rdma\": {\"mlx4_0\": {\"hcaHandles\": 2, \"hcaObjects\": 2000}},"
		 " \"unified\": {\"memory.high\": \"50000000\", \"pids.max\": \"7\"}}",
		 dev ? ", \"throttleReadBpsDevice\": [{\"major\": MAJ, \"minor\": MIN, \"rate\": 1000}],"
		       " \"throttleWriteIOPSDevice\": [{\"major\": MAJ, \"minor\": MIN, \"rate\": 0}]" : "");
	/* MAJ/MIN: a block device that exists here */
	for (char *p; (p = strstr(res, "MAJ")) || (p = strstr(res, "MIN"));) {
		char num[16];
		int n = snprintf(num, sizeof(num), "%u", p[1] == 'A' ? maj : min);

		memmove(p + n, p + 3, strlen(p + 3) + 1);
		memcpy(p, num, (size_t)n);
	}

	TAP_CHECK(cgroup_validate(&v2o, mkspec(&t, "/berth/c1", res), &err) == 0,
		  "v2: validate accepts every resource kind");
	if (err)
		printf("#   %s\n", err->msg);
	TAP_CHECK(cgroup_create(&v2o, &t.s, "c1", 0, &cg, &err) == 0 && cg, "v2: create (joins existing c1)");
	if (err)
		printf("#   %s\n", err->msg);
	json_decref(t.res);
	if (!cg)
		return;
	TAP_CHECK(is("v2/berth/c1/memory.max", "67108864"), "v2: memory.limit -> memory.max");
	TAP_CHECK(is("v2/berth/c1/memory.swap.max", "33554432"), "v2: swap.max = swap - limit");
	TAP_CHECK(is("v2/berth/c1/memory.low", "1048576"), "v2: reservation -> memory.low");
	TAP_CHECK(is("v2/berth/c1/cpu.weight", "20"), "v2: shares 512 -> cpu.weight 20");
	TAP_CHECK(is("v2/berth/c1/cpu.max", "50000 100000"), "v2: cpu.max quota period");
	TAP_CHECK(is("v2/berth/c1/cpu.max.burst", "1000") && is("v2/berth/c1/cpu.idle", "1"),
		  "v2: burst, idle");
	TAP_CHECK(is("v2/berth/c1/cpuset.cpus", "0-1") && is("v2/berth/c1/cpuset.mems", "0"),
		  "v2: cpuset");
	TAP_CHECK(is("v2/berth/c1/pids.max", "7"), "v2: unified pids.max overrides pids.limit (applied last)");
	TAP_CHECK(is("v2/berth/c1/memory.high", "50000000"), "v2: unified key written");
	TAP_CHECK(is("v2/berth/c1/io.weight", "default 4950"), "v2: blkio weight 500 -> io.weight 4950");
	if (dev) {
		char want[128];

		snprintf(want, sizeof(want), "%u:%u rbps=1000%u:%u wiops=max", maj, min, maj, min);
		TAP_CHECK(is("v2/berth/c1/io.max", want), "v2: throttles -> io.max, one write each, rate 0 = max");
	}
	TAP_CHECK(is("v2/berth/c1/hugetlb.2MB.max", "4194304") &&
		  is("v2/berth/c1/hugetlb.2MB.rsvd.max", "4194304"), "v2: hugetlb max and rsvd.max");
	TAP_CHECK(is("v2/berth/c1/rdma.max", "mlx4_0 hca_handle=2 hca_object=2000"), "v2: rdma.max");
	TAP_CHECK(is("v2/cgroup.subtree_control", "+cpuset +cpu +io +memory +hugetlb +pids +rdma"),
		  "v2: root delegates every available controller");
	TAP_CHECK(is("v2/berth/cgroup.subtree_control", "+cpuset +cpu +io +hugetlb +pids +rdma"),
		  "v2: parent: only the missing controllers are enabled");
	TAP_CHECK(is("v2/berth/c1/cgroup.procs", ""), "v2: pid 0 joins nothing");
	cgroup_free(cg);
}

static bool update(struct cgroup *cg, const char *json, berr_t *err)
{
	json_t *j = json_loads(json, 0, NULL);
	int ret = cgroup_update(cg, j, err);

	json_decref(j);
	return ret == 0;
}

static void test_v2_update(void)
{
	_cleanup_berr_ berr_t err = NULL;
	struct cgroup *cg = NULL;
	struct tspec t;

	if (cgroup_create(&v2o, mkspec(&t, "/berth/c1", NULL), "c1", 0, &cg, &err) < 0)
		return;
	TAP_CHECK(update(cg, "{\"memory\": {\"limit\": -1}, \"pids\": {\"limit\": -1},"
			 " \"cpu\": {\"quota\": -1}}", &err), "v2 update: -1 values");
	TAP_CHECK(is("v2/berth/c1/memory.max", "max") && is("v2/berth/c1/memory.swap.max", "max"),
		  "v2 update: limit -1 -> memory.max and swap.max \"max\"");
	TAP_CHECK(is("v2/berth/c1/pids.max", "max"), "v2 update: pids -1 -> max");
	TAP_CHECK(is("v2/berth/c1/cpu.max", "max"), "v2 update: quota -1 alone -> \"max\" (period kept)");
	put("v2/berth/c1/cpu.max", "50000 100000\n");
	TAP_CHECK(update(cg, "{\"cpu\": {\"period\": 200000}}", &err) &&
		  is("v2/berth/c1/cpu.max", "50000 200000"), "v2 update: period alone keeps the quota");
	put("v2/berth/c1/memory.max", "2000000");
	TAP_CHECK(!update(cg, "{\"memory\": {\"limit\": 500000, \"checkBeforeUpdate\": true}}", &err) &&
		  err_has(err, "linux.resources.memory.limit: 500000 is below the current usage 1000000") &&
		  is("v2/berth/c1/memory.max", "2000000"), "v2 update: checkBeforeUpdate refuses, nothing written");
	TAP_CHECK(!update(cg, "{\"memory\": {\"swap\": 1000}}", &err) &&
		  err_has(err, "linux.resources.memory.swap: cgroup v2 needs memory.limit"),
		  "v2 update: swap without limit refused");
	TAP_CHECK(!update(cg, "{\"cpu\": {\"realtimeRuntime\": 1000}}", &err) &&
		  err_has(err, "linux.resources.cpu.realtimeRuntime: realtime CPU limits are not supported on cgroup v2"),
		  "v2 update: realtime refused");
	TAP_CHECK(!update(cg, "{\"network\": {\"classID\": 5}}", &err) &&
		  err_has(err, "linux.resources.network.classID: net_cls/net_prio are cgroup v1"),
		  "v2 update: network refused naming the field");
	put("v2/berth/c1/cgroup.controllers", "memory pids\n");
	TAP_CHECK(!update(cg, "{\"cpu\": {\"shares\": 100}}", &err) &&
		  err_has(err, "linux.resources.cpu: the cpu controller is not available in") &&
		  err_has(err, "c1 (cgroup.controllers)"), "v2 update: controller not delegated -> clear error");
	put("v2/berth/c1/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma\n");
	TAP_CHECK(!update(cg, "{\"unified\": {\"nope.file\": \"1\"}}", &err) &&
		  err_has(err, "linux.resources.unified.nope.file: open ") &&
		  err_has(err, "nope.file: No such file or directory"), "v2 update: unknown unified key names the file");
	TAP_CHECK(!update(cg, "{\"hugepageLimits\": [{\"pageSize\": \"64KB\", \"limit\": 1}]}", &err) &&
		  err_has(err, "linux.resources.hugepageLimits[0].pageSize: no 64KB huge pages"),
		  "v2 update: unknown huge page size");
	cgroup_free(cg);
	json_decref(t.res);
}

/* a child listed in the fake cgroup.procs gets sig from cgroup_kill */
static bool kill_child(struct cgroup *cg, int sig)
{
	_cleanup_berr_ berr_t err = NULL;
	char buf[32];
	int status = 0;
	pid_t c = fork();

	if (c == 0) {
		pause();
		_exit(0);
	}
	snprintf(buf, sizeof(buf), "%d\n", (int)c);
	put("v2/berth/c1/cgroup.procs", buf);
	if (cgroup_kill(cg, sig, &err) < 0) {
		printf("#   %s\n", err->msg);
		kill(c, SIGKILL);
	}
	waitpid(c, &status, 0);
	put("v2/berth/c1/cgroup.procs", "");
	return WIFSIGNALED(status) && WTERMSIG(status) == sig;
}

static void test_v2_ops(void)
{
	_cleanup_berr_ berr_t err = NULL;
	_cleanup_free_ char *ser = NULL, *ser2 = NULL;
	_cleanup_free_ pid_t *pids = NULL;
	struct cgroup *cg = NULL, *cg2 = NULL;
	json_t *st = NULL;
	uint64_t count = 99;
	size_t n = 0;
	struct tspec t;

	if (cgroup_create(&v2o, mkspec(&t, "/berth/c1", NULL), "c1", 0, &cg, &err) < 0)
		return;
	ser = cgroup_serialize(cg);
	TAP_CHECK(ser && strstr(ser, "\"mode\":\"v2\"") && !strstr(ser, "\"top\""),
		  "v2 serialize: mode, joined dir has no \"top\"");
	TAP_CHECK(cgroup_load(&v2o, ser, &cg2, &err) == 0 && (ser2 = cgroup_serialize(cg2)) &&
		  !strcmp(ser, ser2), "v2: serialize -> load -> serialize round trip");
	cgroup_free(cg2);
	cg2 = NULL;

	TAP_CHECK(cgroup_freeze(cg, true, &err) == 0 && is("v2/berth/c1/cgroup.freeze", "1") &&
		  cgroup_is_frozen(cg), "v2 freeze: cgroup.freeze 1, waits for frozen 1");
	TAP_CHECK(cgroup_freeze(cg, false, &err) == 0 && is("v2/berth/c1/cgroup.freeze", "0") &&
		  !cgroup_is_frozen(cg), "v2 thaw");

	put("v2/berth/c1/cgroup.procs", "123\n456\n");
	put("v2/berth/c1/sub/cgroup.procs", "789\n");
	TAP_CHECK(cgroup_pids(cg, &pids, &n, &err) == 0 && n == 3 && pids[0] == 123 &&
		  pids[2] == 789, "v2 pids: recursive");
	put("v2/berth/c1/cgroup.procs", "");
	put("v2/berth/c1/sub/cgroup.procs", "");

	put("v2/berth/c1/memory.events", "low 0\nhigh 0\nmax 3\noom 2\noom_kill 1\n");
	TAP_CHECK(cgroup_oom_count(cg, &count, &err) == 0 && count == 1, "v2 oom count from memory.events");

	put("v2/berth/c1/cpu.stat", "usage_usec 100\nuser_usec 60\nsystem_usec 40\n"
				    "nr_periods 5\nnr_throttled 2\nthrottled_usec 7\n");
	put("v2/berth/c1/memory.current", "4096\n");
	put("v2/berth/c1/memory.max", "max\n");
	put("v2/berth/c1/memory.stat", "anon 100\nfile 200\n");
	put("v2/berth/c1/pids.current", "3\n");
	put("v2/berth/c1/pids.max", "20\n");
	put("v2/berth/c1/hugetlb.2MB.current", "2097152\n");
	put("v2/berth/c1/hugetlb.2MB.events", "max 4\n");
	put("v2/berth/c1/io.stat", "8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n");
	TAP_CHECK(cgroup_stats(cg, &st, &err) == 0 && st, "v2 stats");
	TAP_CHECK(json_integer_value(json_object_get(json_object_get(json_object_get(st, "cpu"), "usage"), "total")) == 100000 &&
		  json_integer_value(json_object_get(json_object_get(json_object_get(st, "cpu"), "throttling"), "throttledTime")) == 7000 &&
		  json_integer_value(json_object_get(json_object_get(json_object_get(st, "cpu"), "usage"), "user")) == 60000,
		  "v2 stats: cpu usec -> ns");
	TAP_CHECK(json_integer_value(json_object_get(json_object_get(json_object_get(st, "memory"), "usage"), "usage")) == 4096 &&
		  json_integer_value(json_object_get(json_object_get(json_object_get(st, "memory"), "usage"), "limit")) == INT64_MAX &&
		  json_integer_value(json_object_get(json_object_get(st, "memory"), "cache")) == 200 &&
		  json_integer_value(json_object_get(json_object_get(json_object_get(st, "memory"), "raw"), "anon")) == 100,
		  "v2 stats: memory usage, max limit, cache=file, raw");
	TAP_CHECK(json_integer_value(json_object_get(json_object_get(st, "pids"), "current")) == 3 &&
		  json_integer_value(json_object_get(json_object_get(st, "pids"), "limit")) == 20,
		  "v2 stats: pids");
	TAP_CHECK(json_integer_value(json_object_get(json_object_get(json_object_get(st, "hugetlb"), "2MB"), "failcnt")) == 4,
		  "v2 stats: hugetlb failcnt from events");
	TAP_CHECK(json_array_size(json_object_get(json_object_get(st, "blkio"), "ioServiceBytesRecursive")) == 2 &&
		  json_integer_value(json_object_get(json_array_get(json_object_get(json_object_get(st, "blkio"), "ioServiceBytesRecursive"), 1), "value")) == 20,
		  "v2 stats: io.stat -> blkio entries");
	json_decref(st);

	put("v2/berth/c1/cgroup.kill", "");
	TAP_CHECK(cgroup_kill(cg, SIGKILL, &err) == 0 && is("v2/berth/c1/cgroup.kill", "1"),
		  "v2 kill: SIGKILL through cgroup.kill");
	TAP_CHECK(kill_child(cg, SIGTERM), "v2 kill: other signals go to each listed pid");
	unlink(abs_path("v2/berth/c1/cgroup.kill"));
	TAP_CHECK(kill_child(cg, SIGKILL) && is("v2/berth/c1/cgroup.freeze", "0"),
		  "v2 kill without cgroup.kill: each pid, frozen meanwhile, thawed after");

	TAP_CHECK(cgroup_destroy(cg, &err) == 0 && exists("v2/berth/c1/memory.max"),
		  "v2 destroy: a joined cgroup is left alone");
	cgroup_free(cg);
	json_decref(t.res);

	/* a path that does not exist yet: created, and removed again */
	cg = NULL;
	TAP_CHECK(cgroup_create(&v2o, mkspec(&t, "/berth/new/leaf", NULL), "x", 0, &cg, &err) == 0 &&
		  exists("v2/berth/new/leaf"), "v2 create: mkdir of missing levels");
	free(ser);
	ser = cg ? cgroup_serialize(cg) : NULL;
	TAP_CHECK(ser && strstr(ser, "\"top\":\"") && strstr(ser, "/berth/new\""),
		  "v2 serialize: highest created directory recorded");
	cgroup_free(cg);
	cg = NULL;
	TAP_CHECK(ser && cgroup_load(&v2o, ser, &cg, &err) == 0 && cgroup_destroy(cg, &err) == 0 &&
		  !exists("v2/berth/new") && exists("v2/berth/cgroup.controllers"),
		  "v2 destroy after load: removes what we created, keeps /berth");
	cgroup_free(cg);
}

static void test_load_refuses(void)
{
	_cleanup_berr_ berr_t err = NULL;
	struct cgroup *cg = NULL;
	char bad[PATH_MAX * 3];

	snprintf(bad, sizeof(bad), "{\"mode\":\"v2\",\"root\":\"%s\",\"dirs\":[{\"ctrls\":\"\","
		 "\"mnt\":\"%s\",\"path\":\"%s/../../etc\",\"top\":\"%s/..\"}]}", v2root, v2root,
		 v2root, v2root);
	TAP_CHECK(cgroup_load(&v2o, bad, &cg, &err) < 0 && err_has(err, "is not a cgroup below"),
		  "load: .. in a state path refused");
	snprintf(bad, sizeof(bad), "{\"mode\":\"v2\",\"root\":\"%s\",\"dirs\":[{\"ctrls\":\"\","
		 "\"mnt\":\"%s\",\"path\":\"%s/a\",\"top\":\"%s\"}]}", v2root, v2root, v2root, v2root);
	TAP_CHECK(cgroup_load(&v2o, bad, &cg, &err) < 0, "load: top = the mount point refused");
	TAP_CHECK(cgroup_load(&v2o, "{\"mode\":\"v2\",\"root\":\"/elsewhere\",\"dirs\":[]}", &cg,
			      &err) < 0 && err_has(err, "cgroup state is for /elsewhere"),
		  "load: other fs_root refused");
}

static void test_relative(void)
{
	_cleanup_berr_ berr_t err = NULL;
	struct cgroup *cg = NULL;
	struct tspec t;

	fake_v2_cgroup("v2/user.slice/rel", "memory\n");
	TAP_CHECK(cgroup_create(&v2o, mkspec(&t, "rel", NULL), "x", 0, &cg, &err) == 0 && cg &&
		  !strcmp(cg_v2_path(cg), abs_path("v2/user.slice/rel")),
		  "v2 relative path: below the parent of our own cgroup (runc)");
	cgroup_free(cg);
}

/* ---- v1 and hybrid on fake trees ------------------------------------------------------ */

static struct cgroup_opts v1o;

static void fake_v1(const char *hier, const char *leaf, const char *const *files)
{
	char f[PATH_MAX];

	for (size_t i = 0; files[i]; i += 2) {
		snprintf(f, sizeof(f), "v1/%s/%s/%s", hier, leaf, files[i]);
		put(f, files[i + 1]);
	}
	snprintf(f, sizeof(f), "v1/%s/%s/cgroup.procs", hier, leaf);
	put(f, "");
}

static void setup_v1(bool hybrid_hugetlb)
{
	static char root[256], proc[256];
	static const char *const mem[] = { "memory.limit_in_bytes", "9223372036854771712\n",
		"memory.memsw.limit_in_bytes", "9223372036854771712\n", "memory.swappiness", "",
		"memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n",
		"memory.soft_limit_in_bytes", "", NULL };
	static const char *const cpu[] = { "cpu.shares", "", "cpu.cfs_quota_us", "",
		"cpu.cfs_period_us", "", "cpu.rt_runtime_us", "", "cpu.rt_period_us", "", NULL };
	static const char *const misc[] = { "pids.max", "", "devices.allow", "", "devices.deny", "",
		"freezer.state", "THAWED\n", "hugetlb.2MB.limit_in_bytes", "",
		"blkio.throttle.read_bps_device", "", NULL };
	char mi[8192];
	const char *hiers[] = { "memory", "cpu,cpuacct", "pids", "devices", "freezer", "blkio",
				"systemd", hybrid_hugetlb ? NULL : "hugetlb" };

	snprintf(root, sizeof(root), "%s/v1", tmp);
	snprintf(proc, sizeof(proc), "%s/proc-v1", tmp);
	snprintf(mi, sizeof(mi), "1 0 0:1 / %s rw - tmpfs tmpfs rw\n", root);
	for (size_t i = 0; i < ARRAY_SIZE(hiers); i++) {
		if (!hiers[i])
			continue;
		snprintf(mi + strlen(mi), sizeof(mi) - strlen(mi),
			 "%zu 1 0:%zu / %s/%s rw - cgroup cgroup rw,%s\n", i + 2, i + 2, root, hiers[i],
			 strcmp(hiers[i], "systemd") ? hiers[i] : "name=systemd");
	}
	if (hybrid_hugetlb) {
		snprintf(mi + strlen(mi), sizeof(mi) - strlen(mi),
			 "20 1 0:20 / %s/unified rw - cgroup2 cgroup2 rw\n", root);
		put("v1/unified/cgroup.controllers", "hugetlb\n");
		put("v1/unified/cgroup.subtree_control", "");
		put("v1/unified/b/cgroup.controllers", "hugetlb\n");
		put("v1/unified/b/cgroup.subtree_control", "");
		put("v1/unified/b/c2/cgroup.controllers", "hugetlb\n");
		put("v1/unified/b/c2/cgroup.procs", "");
		put("v1/unified/b/c2/hugetlb.2MB.max", "");
	}
	put("proc-v1/mountinfo", mi);
	put("proc-v1/cgroup", "3:memory:/\n2:cpu,cpuacct:/\n0::/\n");
	fake_v1("memory", "b/c2", mem);
	fake_v1("cpu,cpuacct", "b/c2", cpu);
	for (size_t i = 2; i < ARRAY_SIZE(hiers); i++)
		if (hiers[i])
			fake_v1(hiers[i], "b/c2", misc);
	v1o = (struct cgroup_opts){ .fs_root = root, .proc_dir = proc };
}

static void test_v1(void)
{
	_cleanup_berr_ berr_t err = NULL;
	_cleanup_free_ char *ser = NULL;
	struct cgroup *cg = NULL;
	uint64_t count = 0;
	struct tspec t;

	setup_v1(false);
	mkspec(&t, "/b/c2", "{\"memory\": {\"limit\": 33554432, \"swap\": 67108864, \"swappiness\": 10},"
		   " \"cpu\": {\"shares\": 512, \"quota\": -1, \"period\": 100000,"
		   "           \"realtimeRuntime\": 950, \"realtimePeriod\": 1000},"
		   " \"pids\": {\"limit\": -1},"
		   " \"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 2097152}],"
		   " \"devices\": [{\"allow\": false, \"access\": \"rwm\"},"
		   "  {\"allow\": true, \"type\": \"c\", \"major\": 10, \"minor\": 200, \"access\": \"rw\"},"
		   "  {\"allow\": false, \"type\": \"a\", \"major\": 4, \"access\": \"w\"}]}");
	TAP_CHECK(cgroup_create(&v1o, &t.s, "c2", 0, &cg, &err) == 0 && cg, "v1: create");
	if (err)
		printf("#   %s\n", err->msg);
	json_decref(t.res);
	if (!cg)
		return;
	TAP_CHECK(is("v1/memory/b/c2/memory.limit_in_bytes", "33554432") &&
		  is("v1/memory/b/c2/memory.memsw.limit_in_bytes", "67108864"),
		  "v1: memory limit and memsw = swap (total)");
	TAP_CHECK(is("v1/memory/b/c2/memory.swappiness", "10"), "v1: swappiness");
	TAP_CHECK(is("v1/cpu,cpuacct/b/c2/cpu.shares", "512") &&
		  is("v1/cpu,cpuacct/b/c2/cpu.cfs_quota_us", "-1") &&
		  is("v1/cpu,cpuacct/b/c2/cpu.cfs_period_us", "100000"), "v1: shares, quota -1, period");
	TAP_CHECK(is("v1/cpu,cpuacct/b/c2/cpu.rt_runtime_us", "950") &&
		  is("v1/cpu,cpuacct/b/c2/cpu.rt_period_us", "1000"), "v1: realtime");
	TAP_CHECK(is("v1/pids/b/c2/pids.max", "max"), "v1: pids -1 -> max");
	TAP_CHECK(is("v1/hugetlb/b/c2/hugetlb.2MB.limit_in_bytes", "2097152"), "v1: hugetlb");
	TAP_CHECK(is("v1/devices/b/c2/devices.deny", "ac 4:* wb 4:* w"),
		  "v1 devices: deny-all first, then \"a\" with a number as c and b rules");
	TAP_CHECK(!strncmp(get("v1/devices/b/c2/devices.allow"), "c 10:200 rwc *:* mb *:* mc 1:3 rwm", 34),
		  "v1 devices: allows in order, then runc's default devices");
	TAP_CHECK(cgroup_freeze(cg, true, &err) == 0 && is("v1/freezer/b/c2/freezer.state", "FROZEN") &&
		  cgroup_is_frozen(cg), "v1 freeze: freezer.state FROZEN");
	TAP_CHECK(cgroup_freeze(cg, false, &err) == 0 && is("v1/freezer/b/c2/freezer.state", "THAWED"),
		  "v1 thaw");
	TAP_CHECK(cgroup_oom_count(cg, &count, &err) == 0 && count == 2, "v1 oom count from memory.oom_control");
	ser = cgroup_serialize(cg);
	TAP_CHECK(ser && strstr(ser, "\"mode\":\"v1\"") && strstr(ser, "\"ctrls\":\"name=systemd\""),
		  "v1 serialize: every hierarchy incl. name=systemd");
	TAP_CHECK(!update(cg, "{\"blockIO\": {\"weight\": 100}}", &err) &&
		  err_has(err, "linux.resources.blockIO.weight: blkio weight not supported by the kernel (no blkio.weight / blkio.bfq.weight)"),
		  "v1: blkio weight without blkio.weight / blkio.bfq.weight");
	TAP_CHECK(!update(cg, "{\"unified\": {\"memory.high\": \"1\"}}", &err) &&
		  err_has(err, "linux.resources.unified requires cgroup v2"), "v1: unified refused");
	TAP_CHECK(!update(cg, "{\"network\": {\"classID\": 1}}", &err) &&
		  err_has(err, "linux.resources.network.classID: the net_cls controller is not mounted"),
		  "v1: net_cls not mounted, named");
	TAP_CHECK(!update(cg, "{\"rdma\": {\"mlx5_0\": {\"hcaHandles\": 1}}}", &err) &&
		  err_has(err, "linux.resources.rdma: the rdma controller is not mounted"), "v1: rdma not mounted");
	put("v1/memory/b/c2/memory.usage_in_bytes", "5000\n");
	TAP_CHECK(!update(cg, "{\"memory\": {\"limit\": 4096, \"checkBeforeUpdate\": true}}", &err) &&
		  err_has(err, "4096 is below the current usage 5000"), "v1: checkBeforeUpdate");
	TAP_CHECK(update(cg, "{\"memory\": {\"limit\": -1}}", &err) &&
		  is("v1/memory/b/c2/memory.limit_in_bytes", "-1") &&
		  is("v1/memory/b/c2/memory.memsw.limit_in_bytes", "-1"),
		  "v1 update: limit -1 also lifts memsw");
	cgroup_free(cg);
}

static void test_hybrid(void)
{
	_cleanup_berr_ berr_t err = NULL;
	struct cgroup *cg = NULL;
	struct tspec t;

	setup_v1(true);
	mkspec(&t, "/b/c2", "{\"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 2097152}]}");
	TAP_CHECK(cgroup_create(&v1o, &t.s, "c2", 0, &cg, &err) == 0 && cg &&
		  cg->mode == CG_MODE_HYBRID, "hybrid: create");
	if (err)
		printf("#   %s\n", err->msg);
	TAP_CHECK(is("v1/unified/b/c2/hugetlb.2MB.max", "2097152"),
		  "hybrid: hugetlb only on cgroup2 -> hugetlb.2MB.max there");
	/* the host's cgroup2 root is left alone; only berth's own levels delegate */
	TAP_CHECK(is("v1/unified/cgroup.subtree_control", "") &&
		  is("v1/unified/b/cgroup.subtree_control", "+hugetlb"),
		  "hybrid: only the needed controller, and only below the host's root");
	put("v1/memory/b/c2/cgroup.procs", "");
	TAP_CHECK(cgroup_enter_some(cg, 4242, false, true, &err) == 0 &&
		  is("v1/unified/b/c2/cgroup.procs", "4242") && is("v1/memory/b/c2/cgroup.procs", ""),
		  "hybrid enter_some: only the cgroup2 directory (the init was cloned into it)");
	cgroup_free(cg);
	json_decref(t.res);
	cg = NULL;
	put("v1/unified/b/c2/cgroup.controllers", "\n");
	put("v1/unified/cgroup.controllers", "\n");
	mkspec(&t, "/b/c2", "{\"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 1}]}");
	TAP_CHECK(cgroup_validate(&v1o, &t.s, &err) < 0 &&
		  err_has(err, "linux.resources.hugepageLimits: the hugetlb controller is not mounted"),
		  "hybrid: hugetlb nowhere -> validate names the field");
	json_decref(t.res);
}

/* ---- validation messages ------------------------------------------------------------ */

static void test_validation(void)
{
	static const struct { const char *json, *msg; } bad[] = {
		{ "{\"cpu\": {\"period\": -5}}", "linux.resources.cpu.period: must be > 0" },
		{ "{\"cpu\": {\"period\": 10}}", "linux.resources.cpu.period: must be between 1000 and 1000000" },
		{ "{\"cpu\": {\"shares\": 1}}", "linux.resources.cpu.shares: must be between 2 and 262144" },
		{ "{\"cpu\": {\"quota\": -2}}", "linux.resources.cpu.quota: must be -1 (unlimited) or > 0" },
		{ "{\"cpu\": {\"quota\": 500}}", "linux.resources.cpu.quota: must be at least 1000" },
		{ "{\"cpu\": {\"cpus\": \"0-\"}}", "linux.resources.cpu.cpus: \"0-\" is not a CPU list" },
		{ "{\"cpu\": {\"mems\": \"3-1\"}}", "linux.resources.cpu.mems:" },
		{ "{\"cpu\": {\"idle\": 2}}", "linux.resources.cpu.idle: must be between 0 and 1" },
		{ "{\"cpu\": \"x\"}", "linux.resources.cpu: must be an object" },
		{ "{\"memory\": {\"limit\": \"1G\"}}", "linux.resources.memory.limit: must be an integer" },
		{ "{\"memory\": {\"limit\": -3}}", "linux.resources.memory.limit: must be -1 (unlimited)" },
		{ "{\"memory\": {\"swappiness\": 101}}", "linux.resources.memory.swappiness: must be between 0 and 100" },
		{ "{\"memory\": {\"limit\": 2000, \"swap\": 1000}}", "linux.resources.memory.swap: must be >= memory.limit" },
		{ "{\"memory\": {\"disableOOMKiller\": 1}}", "linux.resources.memory.disableOOMKiller: must be a boolean" },
		{ "{\"pids\": {\"limit\": -2}}", "linux.resources.pids.limit: must be -1 (unlimited) or > 0" },
		{ "{\"blockIO\": {\"weight\": 5}}", "linux.resources.blockIO.weight: must be between 10 and 1000" },
		{ "{\"blockIO\": {\"leafWeight\": 1001}}", "linux.resources.blockIO.leafWeight: must be between 10 and 1000" },
		{ "{\"blockIO\": {\"weightDevice\": [{\"major\": 4095, \"minor\": 4095, \"weight\": 100}]}}",
		  "linux.resources.blockIO.weightDevice[0]: block device 4095:4095 does not exist (no /sys/dev/block/4095:4095)" },
		{ "{\"blockIO\": {\"throttleReadBpsDevice\": [{\"major\": 1}]}}",
		  "linux.resources.blockIO.throttleReadBpsDevice[0]: major and minor are required" },
		{ "{\"hugepageLimits\": [{\"pageSize\": \"2M\", \"limit\": 1}]}", "linux.resources.hugepageLimits[0].pageSize: must be a size like" },
		{ "{\"hugepageLimits\": [{\"pageSize\": \"2MB\"}]}", "linux.resources.hugepageLimits[0].limit: is required" },
		{ "{\"devices\": [{\"allow\": true, \"type\": \"x\"}]}", "linux.resources.devices[0].type: must be \"a\", \"b\" or \"c\"" },
		{ "{\"devices\": [{\"allow\": true}, {\"allow\": true, \"access\": \"rwx\"}]}", "linux.resources.devices[1].access" },
		{ "{\"devices\": [{\"type\": \"c\"}]}", "linux.resources.devices[0].allow: is required" },
		{ "{\"devices\": [{\"allow\": true, \"major\": -7}]}", "linux.resources.devices[0].major: must be between -1 and" },
		{ "{\"network\": {\"priorities\": [{\"name\": \"eth 0\", \"priority\": 1}]}}", "linux.resources.network.priorities[0].name" },
		{ "{\"rdma\": {\"mlx\": {}}}", "linux.resources.rdma.mlx: needs hcaHandles or hcaObjects" },
		{ "{\"unified\": {\"../x.y\": \"1\"}}", "linux.resources.unified: \"../x.y\" is not a cgroup file name" },
		{ "{\"unified\": {\"cgroup.procs\": \"1\"}}", "linux.resources.unified: \"cgroup.procs\" cannot be set" },
		{ "{\"unified\": {\"memory.max\": 5}}", "linux.resources.unified.memory.max: must be a string" },
		{ "[]", "linux.resources: must be an object" },
	};
	struct cg_res r;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		_cleanup_berr_ berr_t err = NULL;
		json_t *j = json_loads(bad[i].json, JSON_DECODE_ANY, NULL);
		char name[160];

		snprintf(name, sizeof(name), "validate: %s", bad[i].msg);
		TAP_CHECK(j && cg_res_parse(j, &r, &err) < 0 && err_has(err, bad[i].msg), name);
		json_decref(j);
	}

	/* runc's "not set" values, and Go's uint64 -1 for swappiness */
	{
		_cleanup_berr_ berr_t err = NULL;
		json_t *j = json_loads("{\"memory\": {\"limit\": 0, \"swappiness\": -1}, \"cpu\": "
				       "{\"shares\": 0, \"quota\": 0, \"period\": 0}, \"pids\": {\"limit\": 0},"
				       " \"blockIO\": {\"weight\": 0}}", 0, NULL);

		TAP_CHECK(cg_res_parse(j, &r, &err) == 0 && !r.has_mem_limit && !r.has_swappiness &&
			  !r.has_shares && !r.has_quota && !r.has_period && !r.has_pids && !r.blk_weight,
			  "validate: 0 (and swappiness -1) mean not set, as runc");
		cg_res_free(&r);
		json_decref(j);
	}
	/* a bad path after good resources: nothing leaks (ASan), the path is named */
	{
		_cleanup_berr_ berr_t err = NULL;
		struct tspec t;

		TAP_CHECK(cgroup_validate(&v2o, mkspec(&t, "/a/../b", "{\"devices\": [{\"allow\": false}]}"),
					  &err) < 0 && err_has(err, "linux.cgroupsPath"),
			  "validate: bad cgroupsPath after parsed resources");
		json_decref(t.res);
	}
	/* whole validate on v2: fails before anything is created */
	{
		_cleanup_berr_ berr_t err = NULL;
		struct tspec t;

		TAP_CHECK(cgroup_validate(&v2o, mkspec(&t, "/berth/never", "{\"cpu\": {\"realtimePeriod\": 5}}"),
					  &err) < 0 && err_has(err, "linux.resources.cpu.realtimePeriod") &&
			  !exists("v2/berth/never"), "validate v2: realtime refused, nothing created");
		json_decref(t.res);
	}
}

static void test_conversions(void)
{
	_cleanup_berr_ berr_t err = NULL;
	struct cg_res r = { 0 };
	bool set;
	int64_t v;

	TAP_CHECK(cg_shares_to_weight(2) == 1 && cg_shares_to_weight(262144) == 10000 &&
		  cg_shares_to_weight(1024) == 39, "shares -> weight: 2->1, 262144->10000, 1024->39");
	TAP_CHECK(cg_weight_to_shares(1) == 2 && cg_weight_to_shares(10000) == 262144 &&
		  cg_weight_to_shares(100) == 2597, "weight -> shares: 1->2, 10000->262144, 100->2597");
	TAP_CHECK(cg_blkio_to_io_weight(10) == 1 && cg_blkio_to_io_weight(1000) == 10000,
		  "blkio weight -> io.weight ends");
	r.has_mem_limit = true, r.mem_limit = 100, r.has_mem_swap = true, r.mem_swap = 300;
	TAP_CHECK(cg_swap_v2(&r, &set, &v, &err) == 0 && set && v == 200, "swap v2: 300 total, 100 memory -> 200");
	r.mem_swap = 100;
	TAP_CHECK(cg_swap_v2(&r, &set, &v, &err) == 0 && set && v == 0, "swap v2: swap == limit -> 0 (no swap)");
	r.mem_limit = -1, r.has_mem_swap = false;
	TAP_CHECK(cg_swap_v2(&r, &set, &v, &err) == 0 && set && v == -1, "swap v2: unlimited memory -> swap max");
	r.has_mem_limit = false;
	TAP_CHECK(cg_swap_v2(&r, &set, &v, &err) == 0 && !set, "swap v2: nothing set -> nothing written");
}

/* ---- device eBPF program ---------------------------------------------------------------- */

/* just the instructions cg_bpf_build emits */
static int run_prog(const struct bpf_insn *p, size_t n, char type, unsigned maj, unsigned min,
		    unsigned acc)
{
	uint32_t ctx[3] = { (acc << 16) | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR),
			    maj, min };
	uint64_t r[11] = { 0 };

	for (size_t pc = 0; pc < n; pc++) {
		const struct bpf_insn *i = &p[pc];
		uint32_t d = (uint32_t)r[i->dst_reg];

		switch (i->code) {
		case BPF_LDX | BPF_MEM | BPF_W: r[i->dst_reg] = ctx[i->off / 4]; break;
		case BPF_ALU | BPF_MOV | BPF_X: r[i->dst_reg] = (uint32_t)r[i->src_reg]; break;
		case BPF_ALU | BPF_AND | BPF_K: r[i->dst_reg] = d & (uint32_t)i->imm; break;
		case BPF_ALU | BPF_RSH | BPF_K: r[i->dst_reg] = d >> i->imm; break;
		case BPF_ALU64 | BPF_MOV | BPF_K: r[i->dst_reg] = (uint64_t)(int64_t)i->imm; break;
		case BPF_JMP32 | BPF_JNE | BPF_K: if (d != (uint32_t)i->imm) pc += i->off; break;
		case BPF_JMP32 | BPF_JEQ | BPF_K: if (d == (uint32_t)i->imm) pc += i->off; break;
		case BPF_JMP | BPF_EXIT: return (int)r[0];
		default: return -1;
		}
	}
	return -2;   /* fell off the end: the verifier would refuse it */
}

static bool prog_ok(const char *json, const char *cases, int *loaded)
{
	_cleanup_berr_ berr_t err = NULL;
	_cleanup_free_ struct bpf_insn *p = NULL;
	json_t *j = json_loads(json, 0, NULL);
	struct cg_res r;
	size_t n = 0;
	bool ok = true;

	if (!j || cg_res_parse(j, &r, &err) < 0 || cg_bpf_build(r.dev, r.n_dev, &p, &n, &err) < 0) {
		json_decref(j);
		return false;
	}
	/* cases: "c 1:3 r=1 ..." : type maj:min access=expected */
	for (const char *c = cases; *c;) {
		char type, acc[4];
		unsigned maj, min, a = 0;
		int want, used, got;

		if (sscanf(c, " %c %u:%u %3[rwm]=%d%n", &type, &maj, &min, acc, &want, &used) != 5)
			break;
		c += used;
		a = (strchr(acc, 'r') ? CG_ACC_R : 0) | (strchr(acc, 'w') ? CG_ACC_W : 0) |
		    (strchr(acc, 'm') ? CG_ACC_M : 0);
		got = run_prog(p, n, type, maj, min, a);
		if (got != want) {
			printf("#   %c %u:%u %s: got %d want %d\n", type, maj, min, acc, got, want);
			ok = false;
		}
	}
	if (*loaded >= 0) {
		int fd = cg_bpf_load(p, n, &err);

		if (fd >= 0) {
			close(fd);
			*loaded = 1;
		} else if (err->errnum == EPERM) {
			*loaded = -1;    /* no CAP_BPF here: say so once */
		} else {
			printf("#   load: %s\n", err->msg);
			ok = false;
		}
	}
	cg_res_free(&r);
	json_decref(j);
	return ok;
}

static void test_bpf_programs(void)
{
	int loaded = 0;

	TAP_CHECK(prog_ok("{\"devices\": [{\"allow\": false}, {\"allow\": true, \"type\": \"c\", "
			  "\"major\": 1, \"minor\": 3}, {\"allow\": true, \"type\": \"c\", \"access\": \"m\"},"
			  " {\"allow\": false, \"type\": \"c\", \"major\": 1, \"minor\": 3, \"access\": \"w\"}]}",
			  "c 1:3 r=1 c 1:3 w=0 c 1:3 rw=0 c 1:3 m=1 c 1:5 r=0 c 1:5 m=1 b 8:0 m=0 b 1:3 r=0",
			  &loaded), "bpf: deny-all, allows, a later deny of one access wins");
	TAP_CHECK(prog_ok("{\"devices\": [{\"allow\": false, \"type\": \"c\", \"major\": 1, \"minor\": 3}]}",
			  "c 1:3 r=0 c 1:3 m=0 c 1:5 rw=1 b 1:3 r=1", &loaded),
		  "bpf: no deny-all: unmatched devices are allowed (as v1 under an allow-all parent)");
	TAP_CHECK(prog_ok("{\"devices\": [{\"allow\": false}, {\"allow\": true, \"type\": \"a\", "
			  "\"major\": 10, \"minor\": 200, \"access\": \"rw\"}]}",
			  "c 10:200 rw=1 b 10:200 r=1 c 10:200 m=0 c 10:201 r=0", &loaded),
		  "bpf: type a with a number matches both types, access subset");
	TAP_CHECK(prog_ok("{\"devices\": [{\"allow\": true, \"type\": \"c\", \"major\": 4000000000, "
			  "\"minor\": 1}, {\"allow\": false}]}", "c 4000000000:1 r=0 c 1:1 r=0", &loaded),
		  "bpf: a final deny-all hides earlier rules (and the verifier sees no dead code)");
	TAP_CHECK(prog_ok("{\"devices\": [{\"allow\": false}, {\"allow\": true, \"type\": \"c\", "
			  "\"major\": 4000000000, \"minor\": 1}]}", "c 4000000000:1 r=1 c 4000000000:2 r=0",
			  &loaded), "bpf: majors above 2^31 compare as u32");
	if (loaded == 1)
		TAP_CHECK(loaded == 1, "bpf: every program above passed the kernel verifier (BPF_PROG_LOAD)");
	else
		printf("# bpf: BPF_PROG_LOAD not permitted here, verifier not exercised\n");
}

/* A device program on a real cgroup2 directory: a process in it may not
 * open /dev/null but may open /dev/zero.  Needs root and a cgroup2 mount. */
static void test_bpf_attach(void)
{
	_cleanup_berr_ berr_t err = NULL;
	struct cg_layout l = { 0 };
	struct cg_res r;
	char dir[PATH_MAX];
	json_t *j;
	pid_t pid;
	int status = -1;

	if (geteuid() != 0 || cg_layout_read(NULL, &l, &err) < 0 || !l.v2) {
		printf("# bpf attach: skipped (not root or no cgroup2 mount)\n");
		cg_layout_free(&l);
		return;
	}
	snprintf(dir, sizeof(dir), "%s/berth-test-%d", l.v2->dir, (int)getpid());
	cg_layout_free(&l);
	if (mkdir(dir, 0755) < 0) {
		printf("# bpf attach: skipped (mkdir %s: %s)\n", dir, strerror(errno));
		return;
	}
	j = json_loads("{\"devices\": [{\"allow\": false, \"type\": \"c\", \"major\": 1, \"minor\": 3}]}",
		       0, NULL);
	if (cg_res_parse(j, &r, &err) < 0 || cg_bpf_apply(dir, r.dev, r.n_dev, &err) < 0) {
		printf("# bpf attach: skipped (%s)\n", err ? err->msg : "parse");
		rmdir(dir);
		json_decref(j);
		return;
	}
	pid = fork();
	if (pid == 0) {
		int fd;

		if (cg_write(dir, "cgroup.procs", "0", NULL) < 0)
			_exit(10);
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			_exit(11);
		if (errno != EPERM)
			_exit(12);
		fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
		_exit(fd >= 0 ? 0 : 13);
	}
	waitpid(pid, &status, 0);
	TAP_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "bpf attach: in the cgroup /dev/null is EPERM, /dev/zero opens");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		printf("#   child status %d\n", status);
	/* an update replaces the program: now /dev/null is fine */
	TAP_CHECK(cg_bpf_apply(dir, NULL, 0, &err) == 0, "bpf attach: replacing the program");
	pid = fork();
	if (pid == 0) {
		if (cg_write(dir, "cgroup.procs", "0", NULL) < 0)
			_exit(10);
		_exit(open("/dev/null", O_RDONLY | O_CLOEXEC) >= 0 ? 0 : 11);
	}
	waitpid(pid, &status, 0);
	TAP_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "bpf attach: after the update the old program is detached");
	cg_res_free(&r);
	json_decref(j);
	for (int i = 0; i < 100 && rmdir(dir) < 0 && errno == EBUSY; i++)
		usleep(10000);
}

int main(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(tmp, sizeof(tmp), "%s/test-cgroup-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 2;
	}
	test_layout();
	test_paths();
	setup_v2();
	test_v2_create();
	test_v2_update();
	test_v2_ops();
	test_load_refuses();
	test_relative();
	test_v1();
	test_hybrid();
	test_validation();
	test_conversions();
	test_bpf_programs();
	test_bpf_attach();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmp);
	return TAP_DONE();
}
