/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "commands.h"

#include <stdio.h>
#include <string.h>

/* pause and resume share everything but the verb */
static int pause_or_resume(const struct berth_runtime *rt, int argc, char **argv, bool pause)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	const char *cmd = pause ? "pause" : "resume";
	berr_t err = NULL;
	const char *id;
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h') {
			printf("usage: berth-runtime %s ID\n\n%s all processes of the container.\n", cmd,
			       pause ? "Freeze" : "Thaw");
			return 0;
		}
		return cmd_usage_error(cmd, "unknown option \"%s\"", argv[optind - 1]);
	}
	id = cmd_one_id(cmd, argc, argv);
	if (!id)
		return 1;
	if ((pause ? berth_pause : berth_resume)(rt, id, &err) < 0)
		return cmd_fail_id(cmd, id, &err);
	return 0;
}

int cmd_pause(const struct berth_runtime *rt, int argc, char **argv)
{
	return pause_or_resume(rt, argc, argv, true);
}

int cmd_resume(const struct berth_runtime *rt, int argc, char **argv)
{
	return pause_or_resume(rt, argc, argv, false);
}
