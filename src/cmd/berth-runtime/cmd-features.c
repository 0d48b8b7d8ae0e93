/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>

int cmd_features(const struct berth_runtime *rt, int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	char *text;
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h')
			return cmd_help("usage: berth-runtime features\n\nPrint the runtime-spec features document.\n");
		return cmd_usage_error("features", "unknown option \"%s\"", argv[optind - 1]);
	}
	text = berth_features_json();
	if (!text)
		return 1;
	puts(text);
	free(text);
	return 0;
}
