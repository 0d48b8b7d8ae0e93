/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "commands.h"

#include <stdio.h>
#include <errno.h>

static const char help[] =
	"usage: berth-runtime delete [--force] ID\n"
	"\n"
	"Delete a stopped container: poststop hooks, then its state.\n"
	"  -f, --force   kill it first if it is created or running\n";

int cmd_delete(const struct berth_runtime *rt, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	berr_t err = NULL;
	bool force = false;
	const char *id;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+fh", opts, NULL)) != -1) {
		if (c == 'f')
			force = true;
		else if (c == 'h')
			return cmd_help(help);
		else
			return cmd_usage_error("delete", "unknown option \"%s\"", argv[optind - 1]);
	}
	id = cmd_one_id("delete", argc, argv);
	if (!id)
		return 1;
	ret = berth_delete(rt, id, force, &err);
	if (ret < 0) {
		/* runc/containerd: deleting what is already gone with --force is success */
		if (force && ret == -ENOENT) {
			berr_free(&err);
			return 0;
		}
		return cmd_fail_id("delete", id, &err);
	}
	return 0;
}
