/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The engine's config.json generation, USER resolution against a fake
 * rootfs, and the option parsers. */
#include "tap.h"
#include "engine/engine.h"
#include "util/cleanup.h"
#include "util/fs.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char tmp[] = "/tmp/berth-test-engine.XXXXXX";

static void put(const char *rel, const char *text)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	if (write_file_at(AT_FDCWD, path, text, strlen(text), 0644, NULL) < 0)
		abort();
}

static int open_root(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	return open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static void make_rootfs(void)
{
	char path[512];

	if (!mkdtemp(tmp))
		abort();
	snprintf(path, sizeof(path), "%s/rootfs/etc", tmp);
	mkdir_p(path, 0755, NULL);
	put("rootfs/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
				 "# a comment\n"
				 "alice:x:1000:1000:Alice:/home/alice:/bin/sh\n"
				 "bob:x:1001:100::/home/bob:/bin/sh\n"
				 "broken:line\n"
				 "nohome:x:1002:1002\n");
	put("rootfs/etc/group", "root:x:0:\n"
				"wheel:x:10:alice,bob\n"
				"users:x:100:alice\n"
				"alice:x:1000:\n"
				"staff:x:50:carol\n");
	/* a rootfs whose passwd points out of it: must resolve inside */
	snprintf(path, sizeof(path), "%s/evil/etc", tmp);
	mkdir_p(path, 0755, NULL);
	snprintf(path, sizeof(path), "%s/evil/etc/passwd", tmp);
	if (symlink("../../../../../../../../etc/passwd", path) < 0)
		abort();
}

static void test_users(void)
{
	int root = open_root("rootfs"), evil = open_root("evil");
	struct exec_user u;
	berr_t err = NULL;

	TAP_CHECK(user_resolve(root, "alice", &u, &err) == 0 && u.uid == 1000 && u.gid == 1000 &&
		  !strcmp(u.home, "/home/alice"), "user name resolves uid, gid and home from passwd");
	TAP_CHECK(u.n_groups == 2 && u.groups[0] == 10 && u.groups[1] == 100,
		  "additional groups come from the image's /etc/group membership");
	exec_user_clear(&u);
	TAP_CHECK(user_resolve(root, "1001", &u, &err) == 0 && u.uid == 1001 && u.gid == 100 &&
		  !strcmp(u.home, "/home/bob") && u.n_groups == 1 && u.groups[0] == 10,
		  "numeric uid in passwd takes its entry's group and home");
	exec_user_clear(&u);
	TAP_CHECK(user_resolve(root, "4242", &u, &err) == 0 && u.uid == 4242 && u.gid == 0 &&
		  !strcmp(u.home, "/") && u.n_groups == 0,
		  "numeric uid not in passwd passes through with gid 0");
	exec_user_clear(&u);
	TAP_CHECK(user_resolve(root, "4242:4343", &u, &err) == 0 && u.uid == 4242 && u.gid == 4343,
		  "uid:gid pass through");
	exec_user_clear(&u);
	TAP_CHECK(user_resolve(root, "alice:wheel", &u, &err) == 0 && u.uid == 1000 && u.gid == 10 &&
		  u.n_groups == 0, "user:group name sets the primary group, no additional groups");
	exec_user_clear(&u);
	TAP_CHECK(user_resolve(root, "", &u, &err) == 0 && u.uid == 0 && u.gid == 0 &&
		  !strcmp(u.home, "/root"), "empty user is root with root's home");
	exec_user_clear(&u);
	TAP_CHECK(user_resolve(root, "nohome", &u, &err) == 0 && u.uid == 1002 &&
		  !strcmp(u.home, "/"), "a passwd entry without home gets /");
	exec_user_clear(&u);

	TAP_CHECK(user_resolve(root, "nobody", &u, &err) < 0 && err &&
		  strstr(err->msg, "unable to find user nobody"), "unknown user name is an error");
	berr_free(&err);
	TAP_CHECK(user_resolve(root, "alice:nogroup", &u, &err) < 0 && err &&
		  strstr(err->msg, "unable to find group nogroup"), "unknown group name is an error");
	berr_free(&err);
	TAP_CHECK(user_resolve(root, "alice:", &u, &err) < 0, "empty group is an error");
	berr_free(&err);
	TAP_CHECK(user_resolve(root, "4294967295", &u, &err) < 0, "uid -1 (4294967295) is refused");
	berr_free(&err);
	/* the host has root in /etc/passwd; the image's link must not reach it */
	TAP_CHECK(user_resolve(evil, "root", &u, &err) < 0,
		  "passwd symlink out of the rootfs is resolved inside it, never the host's");
	berr_free(&err);
	TAP_CHECK(user_resolve(evil, "0", &u, &err) == 0 && u.uid == 0,
		  "numeric user works without a readable passwd");
	exec_user_clear(&u);
	close(root);
	close(evil);
}

static void test_parsers(void)
{
	int64_t v = 0;
	berr_t err = NULL;
	char **env = NULL;
	size_t n = 0;

	TAP_CHECK(berth_parse_size("512m", &v, &err) == 0 && v == 512LL << 20, "size 512m");
	TAP_CHECK(berth_parse_size("1G", &v, &err) == 0 && v == 1LL << 30, "size 1G");
	TAP_CHECK(berth_parse_size("4kb", &v, &err) == 0 && v == 4096, "size 4kb");
	TAP_CHECK(berth_parse_size("1000", &v, &err) == 0 && v == 1000, "size without unit is bytes");
	TAP_CHECK(berth_parse_size("12x", &v, &err) < 0 && strstr(err->msg, "invalid size"),
		  "size with a bad unit is refused");
	berr_free(&err);
	TAP_CHECK(berth_parse_size("-1m", &v, &err) < 0, "negative size is refused");
	berr_free(&err);
	TAP_CHECK(berth_parse_size("99999999999999999999g", &v, &err) < 0, "huge size is refused");
	berr_free(&err);
	TAP_CHECK(berth_parse_size("", &v, &err) < 0, "empty size is refused");
	berr_free(&err);
	TAP_CHECK(berth_parse_cpus("1.5", &v, &err) == 0 && v == 150000, "cpus 1.5 -> quota 150000");
	TAP_CHECK(berth_parse_cpus("0", &v, &err) < 0, "cpus 0 is refused");
	berr_free(&err);
	TAP_CHECK(berth_parse_cpus("two", &v, &err) < 0, "cpus not a number is refused");
	berr_free(&err);

	put("envfile", "# comment\n\nA=1\n  B=two words\r\nC\n");
	{
		char path[512];

		snprintf(path, sizeof(path), "%s/envfile", tmp);
		TAP_CHECK(berth_read_env_file(path, &env, &n, &err) == 0 && n == 3 &&
			  !strcmp(env[0], "A=1") && !strcmp(env[1], "B=two words") &&
			  !strcmp(env[2], "C") && !env[3],
			  "env file: comments and blanks skipped, CRLF trimmed");
		strv_freep(&env);
		n = 0;
		put("envfile2", "=x\n");
		snprintf(path, sizeof(path), "%s/envfile2", tmp);
		TAP_CHECK(berth_read_env_file(path, &env, &n, &err) < 0, "env file line without a name is refused");
		berr_free(&err);
		strv_freep(&env);
		n = 0;
	}
	{
		struct volume vol;

		TAP_CHECK(volume_parse("/tmp:/data:ro", &vol, &err) == 0 && vol.ro &&
			  !strcmp(vol.host, "/tmp") && !strcmp(vol.ctr, "/data"), "volume host:ctr:ro");
		volume_clear(&vol);
		TAP_CHECK(volume_parse("/tmp:/data", &vol, &err) == 0 && !vol.ro, "volume rw by default");
		volume_clear(&vol);
		TAP_CHECK(volume_parse("tmp:/data", &vol, &err) < 0 && strstr(err->msg, "absolute"),
			  "relative host path is refused");
		berr_free(&err);
		TAP_CHECK(volume_parse("/tmp:data", &vol, &err) < 0, "relative container path is refused");
		berr_free(&err);
		TAP_CHECK(volume_parse("/tmp:/a/../b", &vol, &err) < 0, "container path with .. is refused");
		berr_free(&err);
		TAP_CHECK(volume_parse("/nonexistent-berth:/data", &vol, &err) < 0 &&
			  err->errnum == ENOENT, "missing host path is refused");
		berr_free(&err);
		TAP_CHECK(volume_parse("/tmp:/data:rx", &vol, &err) < 0, "bad volume mode is refused");
		berr_free(&err);
		TAP_CHECK(volume_parse("/tmp", &vol, &err) < 0, "volume without a container path is refused");
		berr_free(&err);
	}
}

/* spec_build against the fake rootfs; returns the parsed config (or NULL, err set). */
static json_t *build(const char *image_config, const struct berth_run_opts *o, berr_t *err)
{
	int root = open_root("rootfs");
	struct spec_input in = { .opts = o, .image_config = image_config, .id = ID,
				 .dir = "/ctr", .rootfs_fd = root };
	char *text = NULL;
	json_t *j = NULL;

	if (spec_build(&in, &text, err) == 0)
		j = json_loads(text, 0, NULL);
	free(text);
	close(root);
	return j;
}

static const char *args_str(json_t *spec)
{
	static char buf[512];
	size_t i;
	json_t *a;

	buf[0] = '\0';
	json_array_foreach(json_object_get(json_object_get(spec, "process"), "args"), i, a) {
		strcat(buf, i ? " " : "");
		strcat(buf, json_string_value(a));
	}
	return buf;
}

static bool env_has(json_t *spec, const char *kv)
{
	size_t i;
	json_t *e;

	json_array_foreach(json_object_get(json_object_get(spec, "process"), "env"), i, e)
		if (!strcmp(json_string_value(e), kv))
			return true;
	return false;
}

static bool env_has_key(json_t *spec, const char *k)
{
	size_t i, n = strlen(k);
	json_t *e;

	json_array_foreach(json_object_get(json_object_get(spec, "process"), "env"), i, e)
		if (!strncmp(json_string_value(e), k, n) && json_string_value(e)[n] == '=')
			return true;
	return false;
}

static json_int_t path_int(json_t *j, const char *path)
{
	json_t *x = json_object_get(j, "linux");
	char buf[128], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = strtok_r(buf, ".", &save); p && x; p = strtok_r(NULL, ".", &save))
		x = json_object_get(x, p);
	return json_integer_value(x);
}

static void test_spec(void)
{
	static const char img[] = "{\"config\":{\"Entrypoint\":[\"/bin/ep\"],\"Cmd\":[\"a\",\"b\"],"
				  "\"Env\":[\"FOO=img\",\"PATH=/x\"],\"User\":\"alice\","
				  "\"WorkingDir\":\"/work/dir\"}}";
	static const char bare[] = "{\"config\":{\"Cmd\":[\"sh\"]}}";
	char *cmd[] = { "x", NULL }, *cmd2[] = { "-c", "y", NULL }, *cmd3[] = { "true", NULL };
	char *env[] = { "FOO=cli", "BAR=1", "HOME_SET_BY_TEST", NULL };
	char *vols[] = { "/tmp:/data:ro", NULL }, *badvols[] = { "tmp:/data", NULL };
	struct berth_run_opts o = { 0 };
	berr_t err = NULL;
	json_t *s, *proc, *user, *lx;
	struct stat st;
	char path[512];

	s = build(img, &o, &err);
	proc = json_object_get(s, "process");
	user = json_object_get(proc, "user");
	TAP_CHECK(s && !strcmp(args_str(s), "/bin/ep a b"), "args are Entrypoint + Cmd");
	TAP_CHECK(env_has(s, "FOO=img") && env_has(s, "PATH=/x") && !env_has_key(s, "TERM"),
		  "image Env kept, its PATH not replaced, no TERM without a tty");
	TAP_CHECK(env_has(s, "HOSTNAME=0123456789ab") && env_has(s, "HOME=/home/alice"),
		  "HOSTNAME is the short id, HOME from the image's passwd");
	TAP_CHECK(json_integer_value(json_object_get(user, "uid")) == 1000 &&
		  json_integer_value(json_object_get(user, "gid")) == 1000 &&
		  json_array_size(json_object_get(user, "additionalGids")) == 2,
		  "USER alice: uid, gid and additionalGids");
	TAP_CHECK(json_array_size(json_object_get(json_object_get(proc, "capabilities"), "effective")) == 0 &&
		  json_array_size(json_object_get(json_object_get(proc, "capabilities"), "bounding")) > 0,
		  "a non-root user gets no effective capabilities");
	TAP_CHECK(!strcmp(json_string_value(json_object_get(proc, "cwd")), "/work/dir"),
		  "cwd is WorkingDir");
	snprintf(path, sizeof(path), "%s/rootfs/work/dir", tmp);
	TAP_CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode), "WorkingDir is created in the rootfs");
	TAP_CHECK(!strcmp(json_string_value(json_object_get(s, "hostname")), "0123456789ab"),
		  "hostname defaults to the short id");
	TAP_CHECK(json_is_false(json_object_get(proc, "terminal")) &&
		  json_is_false(json_object_get(json_object_get(s, "root"), "readonly")),
		  "no terminal, writable root by default");
	lx = json_object_get(s, "linux");
	TAP_CHECK(!strcmp(json_string_value(json_object_get(lx, "cgroupsPath")), "/berth/" ID),
		  "cgroupsPath is /berth/<id>");
	TAP_CHECK(!json_object_get(json_object_get(lx, "resources"), "memory"),
		  "no memory limit unless asked");
	{
		size_t i, binds = 0;
		json_t *m;

		json_array_foreach(json_object_get(s, "mounts"), i, m)
			if (!strcmp(json_string_value(json_object_get(m, "destination")), "/etc/hosts") &&
			    !strcmp(json_string_value(json_object_get(m, "source")), "/ctr/hosts"))
				binds++;
		TAP_CHECK(binds == 1, "/etc/hosts is bound from the container dir");
	}
	json_decref(s);

	o.cmd = cmd;
	s = build(img, &o, &err);
	TAP_CHECK(s && !strcmp(args_str(s), "/bin/ep x"), "CMD on the command line replaces Cmd");
	json_decref(s);

	o.entrypoint = "sh";
	o.cmd = NULL;
	s = build(img, &o, &err);
	TAP_CHECK(s && !strcmp(args_str(s), "sh"), "--entrypoint replaces Entrypoint and drops Cmd");
	json_decref(s);
	o.cmd = cmd2;
	s = build(img, &o, &err);
	TAP_CHECK(s && !strcmp(args_str(s), "sh -c y"), "--entrypoint with CMD");
	json_decref(s);
	o.entrypoint = "";
	o.cmd = cmd3;
	s = build(img, &o, &err);
	TAP_CHECK(s && !strcmp(args_str(s), "true"), "--entrypoint \"\" drops the entrypoint");
	json_decref(s);
	o.cmd = NULL;
	s = build(img, &o, &err);
	TAP_CHECK(!s && err && strstr(err->msg, "no command"), "nothing to run is an error");
	berr_free(&err);

	o = (struct berth_run_opts){ .env = env, .tty = true, .user = "0", .workdir = "/w2",
				     .hostname = "box", .memory = 64 << 20, .cpu_quota = 50000,
				     .pids_limit = 42, .network = BERTH_NET_HOST, .read_only = true,
				     .volumes = vols };
	s = build(img, &o, &err);
	proc = json_object_get(s, "process");
	lx = json_object_get(s, "linux");
	TAP_CHECK(s && env_has(s, "FOO=cli") && !env_has(s, "FOO=img") && env_has(s, "BAR=1") &&
		  !env_has_key(s, "HOME_SET_BY_TEST"), "-e overrides the image's Env; a bare unset K is dropped");
	TAP_CHECK(env_has(s, "TERM=xterm") && json_is_true(json_object_get(proc, "terminal")),
		  "-t: terminal and TERM=xterm");
	TAP_CHECK(env_has(s, "HOSTNAME=box") && !strcmp(json_string_value(json_object_get(s, "hostname")), "box"),
		  "--hostname");
	TAP_CHECK(json_integer_value(json_object_get(json_object_get(proc, "user"), "uid")) == 0 &&
		  json_array_size(json_object_get(json_object_get(proc, "capabilities"), "effective")) == 14 &&
		  env_has(s, "HOME=/root"), "-u 0 overrides USER: root with docker's capabilities");
	TAP_CHECK(!strcmp(json_string_value(json_object_get(proc, "cwd")), "/w2"), "-w overrides WorkingDir");
	TAP_CHECK(path_int(s, "resources.memory.limit") == 64 << 20 &&
		  path_int(s, "resources.cpu.quota") == 50000 &&
		  path_int(s, "resources.cpu.period") == 100000 &&
		  path_int(s, "resources.pids.limit") == 42, "memory, cpu and pids limits");
	{
		size_t i, netns = 0, vol = 0;
		json_t *n;

		json_array_foreach(json_object_get(lx, "namespaces"), i, n)
			netns += !strcmp(json_string_value(json_object_get(n, "type")), "network");
		TAP_CHECK(netns == 0, "--network host: no network namespace");
		json_array_foreach(json_object_get(s, "mounts"), i, n) {
			json_t *opts = json_object_get(n, "options");

			if (!strcmp(json_string_value(json_object_get(n, "destination")), "/data") &&
			    !strcmp(json_string_value(json_object_get(n, "source")), "/tmp") &&
			    !strcmp(json_string_value(json_array_get(opts, json_array_size(opts) - 1)), "ro"))
				vol++;
		}
		TAP_CHECK(vol == 1, "-v HOST:CTR:ro is a read-only bind");
	}
	TAP_CHECK(json_is_true(json_object_get(json_object_get(s, "root"), "readonly")), "--read-only");
	json_decref(s);

	o = (struct berth_run_opts){ 0 };
	s = build(bare, &o, &err);
	TAP_CHECK(s && env_has(s, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin") &&
		  !strcmp(json_string_value(json_object_get(json_object_get(s, "process"), "cwd")), "/"),
		  "PATH and cwd defaults when the image has none");
	{
		size_t i, netns = 0;
		json_t *n;

		json_array_foreach(json_object_get(json_object_get(s, "linux"), "namespaces"), i, n)
			netns += !strcmp(json_string_value(json_object_get(n, "type")), "network");
		TAP_CHECK(netns == 1, "--network none (default): own network namespace");
	}
	json_decref(s);
	{
		int root = open_root("rootfs");
		struct spec_input in = { .opts = &o, .image_config = bare, .id = ID,
					 .rootfs_fd = root, .netns = "/ctr/netns" };
		char *text = NULL;
		size_t i, found = 0;
		json_t *n;

		s = spec_build(&in, &text, &err) == 0 ? json_loads(text, 0, NULL) : NULL;
		json_array_foreach(json_object_get(json_object_get(s, "linux"), "namespaces"), i, n)
			found += !strcmp(json_string_value(json_object_get(n, "type")), "network") &&
				 !strcmp(json_string_value(json_object_get(n, "path")) ?: "", "/ctr/netns");
		TAP_CHECK(found == 1, "a prepared network namespace is joined by path");
		json_decref(s);
		free(text);
		close(root);
	}

	o.user = "nobody";
	s = build(bare, &o, &err);
	TAP_CHECK(!s && err && strstr(err->msg, "unable to find user nobody"), "unknown -u user fails the build");
	berr_free(&err);
	o.user = NULL;
	o.volumes = badvols;
	s = build(bare, &o, &err);
	TAP_CHECK(!s && err, "bad -v fails the build");
	berr_free(&err);
	o.volumes = NULL;
	o.workdir = "rel";
	s = build(bare, &o, &err);
	TAP_CHECK(!s && err && strstr(err->msg, "absolute"), "relative -w is refused");
	berr_free(&err);
	o.workdir = NULL;
	s = build("{\"config\":{\"Cmd\":\"sh\"}}", &o, &err);
	TAP_CHECK(!s && err && strstr(err->msg, "Cmd"), "image config with a string Cmd is refused");
	berr_free(&err);
	s = build("[1]", &o, &err);
	TAP_CHECK(!s && err, "image config that is not an object is refused");
	berr_free(&err);
}

int main(void)
{
	make_rootfs();
	test_users();
	test_parsers();
	test_spec();
	{
		_cleanup_close_ int fd = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);

		remove_tree_at(fd, tmp + 5, NULL);
	}
	return TAP_DONE();
}
