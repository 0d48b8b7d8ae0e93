/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "commands.h"
#include "util/cleanup.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
	"usage: berth push [options] IMAGE [DESTINATION]\n"
	"\n"
	"Push an image of the store to a registry, its manifest unchanged.\n"
	"DESTINATION defaults to the image's name.\n"
	"  --creds USER:PASSWORD   credentials (default: the authfile)\n"
	"  --authfile FILE         credentials file\n"
	"  --cert-dir DIR          CA certificates (*.crt) and client pairs (*.cert, *.key)\n"
	"  --tls-verify=false      no TLS verification, plain HTTP if the registry speaks it\n"
	"  -q, --quiet             no progress\n";

int cmd_push(const struct berth_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		REGISTRY_OPTIONS,
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct berth_registry_opts o = { .tls_verify = -1, .out = stderr };
	_cleanup_free_ char *what = NULL;
	struct berth_store *s;
	const char *dest;
	berr_t err = NULL;
	bool quiet = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+qh", opts, NULL)) != -1) {
		if (c >= OPT_REGISTRY && c < OPT_REGISTRY_END) {
			if ((ret = cmd_registry_opt("push", c, optarg, &o)) != 0)
				return ret;
			continue;
		}
		switch (c) {
		case 'q':
			quiet = true;
			break;
		case 'h':
			return cmd_help(help);
		default:
			return cmd_usage_error("push", "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind != argc - 1 && optind != argc - 2)
		return cmd_usage_error("push", "an image and at most one destination are needed");
	dest = optind == argc - 2 ? argv[optind + 1] : NULL;
	o.progress = cmd_progress(quiet);
	s = cmd_store_open(ctx);
	if (!s)
		return 1;
	ret = berth_push(s, argv[optind], dest, &o, &err);
	berth_store_close(s);
	if (ret < 0) {
		if (asprintf(&what, "push %s", dest ? dest : argv[optind]) < 0)
			what = NULL;
		return cmd_fail(what ? what : "push", &err);
	}
	return 0;
}
