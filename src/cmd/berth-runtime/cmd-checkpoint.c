/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "commands.h"

#include <stdio.h>
#include <string.h>

static const char help[] =
	"usage: berth-runtime checkpoint [options] ID\n"
	"\n"
	"Save a running (or paused) container with criu (global --criu PATH selects the\n"
	"binary).  Unless --leave-running or --pre-dump is given, the container is then\n"
	"stopped and deleted.  If criu fails, the container is left as it was.\n"
	"\n"
	"      --image-path DIR       criu image files (default: ./checkpoint)\n"
	"      --work-path DIR        criu work files and dump.log (default: the state dir)\n"
	"      --parent-path DIR      previous pre-dump images, relative to --image-path\n"
	"      --leave-running        keep the container running afterwards\n"
	"      --pre-dump             dump memory only; the container keeps running\n"
	"      --tcp-established      allow open TCP connections\n"
	"      --ext-unix-sk          allow external unix sockets\n"
	"      --shell-job            allow shell jobs\n"
	"      --file-locks           handle file locks\n"
	"      --auto-dedup           deduplicate memory images\n"
	"      --empty-ns network     do not dump the network namespace's properties\n"
	"      --manage-cgroups-mode MODE  soft (default), full, strict or ignore\n";

int cmd_criu_common_opt(int c, struct berth_checkpoint_opts *o)
{
	switch (c) {
	case CKPT_OPT_IMAGE:
		o->image_path = optarg;
		return 1;
	case CKPT_OPT_WORK:
		o->work_path = optarg;
		return 1;
	case CKPT_OPT_TCP:
		o->tcp_established = true;
		return 1;
	case CKPT_OPT_EXT_UNIX:
		o->ext_unix_sk = true;
		return 1;
	case CKPT_OPT_SHELL:
		o->shell_job = true;
		return 1;
	case CKPT_OPT_LOCKS:
		o->file_locks = true;
		return 1;
	case CKPT_OPT_DEDUP:
		o->auto_dedup = true;
		return 1;
	case CKPT_OPT_EMPTY_NS:
		o->empty_ns = optarg;
		return 1;
	case CKPT_OPT_CGMODE:
		o->manage_cgroups_mode = optarg;
		return 1;
	}
	return 0;
}

int cmd_checkpoint(const struct berth_runtime *rt, int argc, char **argv)
{
	static const struct option opts[] = {
		CRIU_COMMON_OPTS,
		{ "parent-path", required_argument, NULL, CKPT_OPT_PARENT },
		{ "leave-running", no_argument, NULL, CKPT_OPT_LEAVE },
		{ "pre-dump", no_argument, NULL, CKPT_OPT_PRE },
		{ "page-server", required_argument, NULL, CKPT_OPT_UNSUPPORTED },
		{ "status-fd", required_argument, NULL, CKPT_OPT_UNSUPPORTED },
		{ NULL, 0, NULL, 0 },
	};
	struct berth_checkpoint_opts o = { .image_path = "checkpoint" };
	berr_t err = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (cmd_criu_common_opt(c, &o))
			continue;
		switch (c) {
		case CKPT_OPT_PARENT:
			o.parent_path = optarg;
			break;
		case CKPT_OPT_LEAVE:
			o.leave_running = true;
			break;
		case CKPT_OPT_PRE:
			o.pre_dump = true;
			break;
		case 'h':
			return cmd_help(help);
		case CKPT_OPT_UNSUPPORTED:
			return cmd_usage_error("checkpoint", "%s is not supported (criu CLI)",
					       argv[optind - 1]);
		default:
			return cmd_usage_error("checkpoint", "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	o.id = cmd_one_id("checkpoint", argc, argv);
	if (!o.id)
		return 1;
	if (berth_checkpoint(rt, &o, &err) < 0)
		return cmd_fail_id("checkpoint", o.id, &err);
	return 0;
}
