/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
	"usage: berth-runtime exec [options] ID [COMMAND [ARG...]]\n"
	"\n"
	"Run a process in a running container, as confined as its init.\n"
	"\n"
	"  -p, --process FILE        the process as runtime-spec JSON (instead of COMMAND)\n"
	"  -t, --tty                 allocate a pseudo-terminal\n"
	"      --console-socket SOCK send the pty master to SOCK\n"
	"  -d, --detach              do not wait for the process\n"
	"      --pid-file FILE       write the process's pid to FILE\n"
	"  -e, --env K=V             set an environment variable (repeatable)\n"
	"      --cwd DIR             working directory inside the container\n"
	"  -u, --user UID[:GID]      user and group ids\n"
	"  -c, --cap CAP             add a capability (repeatable)\n"
	"      --no-new-privs        set no_new_privs\n"
	"      --preserve-fds N      pass fds 3 .. 3+N-1 to the process\n"
	"      --apparmor PROFILE    AppArmor profile\n"
	"      --process-label LABEL SELinux label\n";

enum { OPT_CONSOLE = 256, OPT_PID_FILE, OPT_CWD, OPT_NNP, OPT_PRESERVE, OPT_APPARMOR, OPT_LABEL };

static int push(char ***v, size_t *n, char *s)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(**v));

	if (!nv)
		return -1;
	nv[(*n)++] = s;
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

static int parse_user(const char *s, struct berth_exec_opts *o)
{
	char *end;
	unsigned long uid, gid = 0;

	uid = strtoul(s, &end, 10);
	if (end == s || (*end && *end != ':') || uid > 0xfffffffeUL)
		return -1;
	if (*end == ':') {
		const char *g = end + 1;

		gid = strtoul(g, &end, 10);
		if (end == g || *end || gid > 0xfffffffeUL)
			return -1;
	}
	o->has_user = true;
	o->uid = (uint32_t)uid;
	o->gid = (uint32_t)gid;
	return 0;
}

static int parse_opts(int argc, char **argv, struct berth_exec_opts *o, size_t *ne, size_t *nc)
{
	static const struct option opts[] = {
		{ "process", required_argument, NULL, 'p' },
		{ "tty", no_argument, NULL, 't' },
		{ "console-socket", required_argument, NULL, OPT_CONSOLE },
		{ "detach", no_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, OPT_PID_FILE },
		{ "env", required_argument, NULL, 'e' },
		{ "cwd", required_argument, NULL, OPT_CWD },
		{ "user", required_argument, NULL, 'u' },
		{ "cap", required_argument, NULL, 'c' },
		{ "no-new-privs", no_argument, NULL, OPT_NNP },
		{ "preserve-fds", required_argument, NULL, OPT_PRESERVE },
		{ "apparmor", required_argument, NULL, OPT_APPARMOR },
		{ "process-label", required_argument, NULL, OPT_LABEL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+p:tde:u:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': o->process_path = optarg; break;
		case 't': o->tty = true; break;
		case OPT_CONSOLE: o->console_socket = optarg; break;
		case 'd': o->detach = true; break;
		case OPT_PID_FILE: o->pid_file = optarg; break;
		case 'e':
			if (push(&o->env, ne, optarg) < 0)
				return 1;
			break;
		case OPT_CWD: o->cwd = optarg; break;
		case 'u':
			if (parse_user(optarg, o) < 0)
				return cmd_usage_error("exec", "--user: bad UID[:GID] \"%s\"", optarg);
			break;
		case 'c':
			if (push(&o->caps, nc, optarg) < 0)
				return 1;
			break;
		case OPT_NNP: o->no_new_privs = true; break;
		case OPT_PRESERVE: {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);

			if (*end || !*optarg || n > 10000)
				return cmd_usage_error("exec", "--preserve-fds: bad number \"%s\"", optarg);
			o->preserve_fds = (unsigned int)n;
			break;
		}
		case OPT_APPARMOR: o->apparmor = optarg; break;
		case OPT_LABEL: o->process_label = optarg; break;
		case 'h': return -1;
		default:
			return cmd_usage_error("exec", "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cmd_usage_error("exec", "missing container ID");
	o->id = argv[optind];
	if (optind + 1 < argc)
		o->args = argv + optind + 1;
	if (o->process_path && o->args)
		return cmd_usage_error("exec", "--process and a command are exclusive");
	if (!o->process_path && !o->args)
		return cmd_usage_error("exec", "missing command (or --process)");
	return 0;
}

int cmd_exec(const struct berth_runtime *rt, int argc, char **argv)
{
	struct berth_exec_opts o = { 0 };
	size_t ne = 0, nc = 0;
	berr_t err = NULL;
	int ret, status = 0;

	ret = parse_opts(argc, argv, &o, &ne, &nc);
	if (ret < 0) {
		ret = cmd_help(help);
		goto out;
	}
	if (ret > 0)
		goto out;
	if (berth_exec(rt, &o, &status, &err) < 0) {
		ret = cmd_fail_id("exec", o.id, &err);
		goto out;
	}
	ret = status;
out:
	free(o.env);
	free(o.caps);
	return ret;
}
