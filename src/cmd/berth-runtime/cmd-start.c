/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "commands.h"

#include <stdio.h>

static const char help[] = "usage: berth-runtime start ID\n\nRun the user process of a created container.\n";

int cmd_start(const struct berth_runtime *rt, int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	berr_t err = NULL;
	const char *id;
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h')
			return cmd_help(help);
		return cmd_usage_error("start", "unknown option \"%s\"", argv[optind - 1]);
	}
	id = cmd_one_id("start", argc, argv);
	if (!id)
		return 1;
	if (berth_start(rt, id, &err) < 0)
		return cmd_fail_id("start", id, &err);
	return 0;
}
