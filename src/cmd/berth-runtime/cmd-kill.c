/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "commands.h"

#include <signal.h>
#include <stdio.h>

static const char help[] =
	"usage: berth-runtime kill [--all] ID [SIGNAL]\n"
	"\n"
	"Send SIGNAL (name or number, default SIGTERM) to the container's init.\n"
	"  -a, --all   signal every process of the container\n";

int cmd_kill(const struct berth_runtime *rt, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	berr_t err = NULL;
	bool all = false;
	const char *id;
	int c, sig = SIGTERM;

	while ((c = getopt_long(argc, argv, "+ah", opts, NULL)) != -1) {
		if (c == 'a')
			all = true;
		else if (c == 'h')
			return cmd_help(help);
		else
			return cmd_usage_error("kill", "unknown option \"%s\"", argv[optind - 1]);
	}
	if (optind >= argc)
		return cmd_usage_error("kill", "missing container ID");
	id = argv[optind];
	if (optind + 1 < argc) {
		sig = berth_signal_parse(argv[optind + 1]);
		if (sig < 0)
			return cmd_usage_error("kill", "unknown signal \"%s\"", argv[optind + 1]);
		if (optind + 2 < argc)
			return cmd_usage_error("kill", "unexpected argument \"%s\"", argv[optind + 2]);
	}
	if (berth_kill(rt, id, sig, all, &err) < 0)
		return cmd_fail_id("kill", id, &err);
	return 0;
}
