/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>

static const char help[] = "usage: berth-runtime state ID\n\nPrint the container's state as runtime-spec JSON.\n";

int cmd_state(const struct berth_runtime *rt, int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	struct berth_state st;
	berr_t err = NULL;
	const char *id;
	char *json;
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h')
			return cmd_help(help);
		return cmd_usage_error("state", "unknown option \"%s\"", argv[optind - 1]);
	}
	id = cmd_one_id("state", argc, argv);
	if (!id)
		return 1;
	if (berth_state_get(rt, id, &st, &err) < 0)
		return cmd_fail_id("state", id, &err);
	json = berth_state_to_json(&st, true);
	berth_state_clear(&st);
	if (!json)
		return 1;
	puts(json);
	free(json);
	return 0;
}
