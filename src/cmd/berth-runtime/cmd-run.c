/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "commands.h"

#include <stdio.h>

static const char help[] =
	"usage: berth-runtime run [options] ID\n"
	"\n"
	"Create and start a container.  In the foreground, signals are forwarded to it\n"
	"and berth-runtime exits with its status (128+N when killed by signal N); the\n"
	"container is deleted when it exits unless --keep is given.\n"
	"\n"
	"  -b, --bundle DIR          bundle directory (default: current directory)\n"
	"      --config FILE         config file (default: BUNDLE/config.json)\n"
	"  -d, --detach              return once the container is started\n"
	"      --keep                keep the stopped container (foreground)\n"
	"      --pid-file FILE       write the container's init pid to FILE\n"
	"      --console-socket SOCK send the pty master of process.terminal to SOCK\n"
	"      --no-pivot            MS_MOVE + chroot instead of pivot_root\n"
	"      --no-new-keyring      keep the caller's session keyring\n"
	"      --preserve-fds N      pass fds 3 .. 3+N-1 to the container\n";

int cmd_run(const struct berth_runtime *rt, int argc, char **argv)
{
	struct berth_create_opts o = { 0 };
	berr_t err = NULL;
	int ret, status = 0;

	ret = cmd_parse_create_opts("run", argc, argv, &o);
	if (ret < 0)
		return cmd_help(help);
	if (ret > 0)
		return ret;
	if (berth_run(rt, &o, &status, &err) < 0)
		return cmd_fail_id("run", o.id, &err);
	return status;
}
