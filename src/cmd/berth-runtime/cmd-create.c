/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
	"usage: berth-runtime create [options] ID\n"
	"\n"
	"Create a container from a bundle; the user process waits until `start`.\n"
	"\n"
	"  -b, --bundle DIR          bundle directory (default: current directory)\n"
	"      --config FILE         config file (default: BUNDLE/config.json)\n"
	"      --pid-file FILE       write the container's init pid to FILE\n"
	"      --console-socket SOCK send the pty master of process.terminal to SOCK\n"
	"      --no-pivot            MS_MOVE + chroot instead of pivot_root\n"
	"      --no-new-keyring      keep the caller's session keyring\n"
	"      --preserve-fds N      pass fds 3 .. 3+N-1 to the container\n";

enum { OPT_CONFIG = 256, OPT_PID_FILE, OPT_CONSOLE, OPT_NO_PIVOT, OPT_NO_KEYRING, OPT_PRESERVE,
       OPT_DETACH, OPT_KEEP, OPT_NO_SUBREAPER };

int cmd_parse_create_opts(const char *cmd, int argc, char **argv, struct berth_create_opts *o)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "pid-file", required_argument, NULL, OPT_PID_FILE },
		{ "console-socket", required_argument, NULL, OPT_CONSOLE },
		{ "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
		{ "no-new-keyring", no_argument, NULL, OPT_NO_KEYRING },
		{ "preserve-fds", required_argument, NULL, OPT_PRESERVE },
		{ "detach", no_argument, NULL, 'd' },
		{ "keep", no_argument, NULL, OPT_KEEP },
		{ "no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool is_run = !strcmp(cmd, "run");
	int c;

	while ((c = getopt_long(argc, argv, is_run ? "+b:dh" : "+b:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			o->bundle = optarg;
			break;
		case OPT_CONFIG:
			o->config_path = optarg;
			break;
		case OPT_PID_FILE:
			o->pid_file = optarg;
			break;
		case OPT_CONSOLE:
			o->console_socket = optarg;
			break;
		case OPT_NO_PIVOT:
			o->no_pivot = true;
			break;
		case OPT_NO_KEYRING:
			o->no_new_keyring = true;
			break;
		case OPT_PRESERVE: {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);

			if (*end || !*optarg || n > 10000)
				return cmd_usage_error(cmd, "--preserve-fds: bad number \"%s\"", optarg);
			o->preserve_fds = (unsigned int)n;
			break;
		}
		case 'd':
		case OPT_KEEP:
			if (!is_run)
				return cmd_usage_error(cmd, "unknown option \"%s\"", argv[optind - 1]);
			if (c == 'd')
				o->detach = true;
			else
				o->keep = true;
			break;
		case OPT_NO_SUBREAPER:
			break; /* runc's flag: we never become a subreaper anyway */
		case 'h':
			return -1;
		default:
			return cmd_usage_error(cmd, "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	o->id = cmd_one_id(cmd, argc, argv);
	return o->id ? 0 : 1;
}

int cmd_create(const struct berth_runtime *rt, int argc, char **argv)
{
	struct berth_create_opts o = { 0 };
	berr_t err = NULL;
	int ret;

	ret = cmd_parse_create_opts("create", argc, argv, &o);
	if (ret < 0)
		return cmd_help(help);
	if (ret > 0)
		return ret;
	if (berth_create(rt, &o, &err) < 0)
		return cmd_fail_id("create", o.id, &err);
	return 0;
}
