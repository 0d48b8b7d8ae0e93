/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "commands.h"

#include <stdio.h>

static const char help[] =
	"usage: berth-runtime restore [options] ID\n"
	"\n"
	"Recreate a container from a checkpoint with criu (global --criu PATH selects\n"
	"the binary).  In the foreground, signals are forwarded to it, berth-runtime\n"
	"exits with its status and then deletes it.\n"
	"\n"
	"      --image-path DIR       criu image files (default: ./checkpoint)\n"
	"      --work-path DIR        criu work files and restore.log (default: the state dir)\n"
	"  -b, --bundle DIR           bundle (default: the one recorded at checkpoint)\n"
	"  -d, --detach               return once the container is restored\n"
	"      --pid-file FILE        write the restored init's pid to FILE\n"
	"      --tcp-established      allow open TCP connections\n"
	"      --ext-unix-sk          allow external unix sockets\n"
	"      --shell-job            allow shell jobs (needed for process.terminal)\n"
	"      --file-locks           handle file locks\n"
	"      --auto-dedup           deduplicate memory images\n"
	"      --empty-ns network     create the network namespace, do not restore it\n"
	"      --manage-cgroups-mode MODE  soft (default), full, strict or ignore\n"
	"      --no-subreaper         do not reap what the restored process leaves\n"
	"      --lsm-profile TYPE:NAME     LSM profile for the restored process\n"
	"      --lsm-mount-context CTX     LSM mount context\n";

int cmd_restore(const struct berth_runtime *rt, int argc, char **argv)
{
	static const struct option opts[] = {
		CRIU_COMMON_OPTS,
		{ "bundle", required_argument, NULL, 'b' },
		{ "detach", no_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, CKPT_OPT_PID_FILE },
		{ "console-socket", required_argument, NULL, CKPT_OPT_CONSOLE },
		{ "no-subreaper", no_argument, NULL, CKPT_OPT_NO_SUBREAPER },
		{ "no-pivot", no_argument, NULL, CKPT_OPT_NO_PIVOT },
		{ "lsm-profile", required_argument, NULL, CKPT_OPT_LSM_PROFILE },
		{ "lsm-mount-context", required_argument, NULL, CKPT_OPT_LSM_MOUNT },
		{ NULL, 0, NULL, 0 },
	};
	struct berth_checkpoint_opts o = { .image_path = "checkpoint" };
	berr_t err = NULL;
	int c, status = 0;

	while ((c = getopt_long(argc, argv, "+b:dh", opts, NULL)) != -1) {
		if (cmd_criu_common_opt(c, &o))
			continue;
		switch (c) {
		case 'b':
			o.bundle = optarg;
			break;
		case 'd':
			o.detach = true;
			break;
		case CKPT_OPT_PID_FILE:
			o.pid_file = optarg;
			break;
		case CKPT_OPT_CONSOLE:
			o.console_socket = optarg;
			break;
		case CKPT_OPT_NO_SUBREAPER:
			o.no_subreaper = true;
			break;
		case CKPT_OPT_NO_PIVOT:
			break; /* criu sets up the root itself */
		case CKPT_OPT_LSM_PROFILE:
			o.lsm_profile = optarg;
			break;
		case CKPT_OPT_LSM_MOUNT:
			o.lsm_mount_context = optarg;
			break;
		case 'h':
			return cmd_help(help);
		case CKPT_OPT_UNSUPPORTED:
			return cmd_usage_error("restore", "%s is not supported (criu CLI)",
					       argv[optind - 1]);
		default:
			return cmd_usage_error("restore", "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	o.id = cmd_one_id("restore", argc, argv);
	if (!o.id)
		return 1;
	if (berth_restore(rt, &o, &status, &err) < 0)
		return cmd_fail_id("restore", o.id, &err);
	return status;
}
