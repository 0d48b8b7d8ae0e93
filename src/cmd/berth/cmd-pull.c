/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "commands.h"
#include "util/cleanup.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
	"usage: berth pull [options] IMAGE\n"
	"\n"
	"Pull an image from a registry into the store and print its id.\n"
	"  --platform OS/ARCH[/VARIANT]  entry of a multi-platform image (default "
	BERTH_DEFAULT_PLATFORM ")\n"
	"  --creds USER:PASSWORD         credentials (default: the authfile)\n"
	"  --authfile FILE               credentials file (default $REGISTRY_AUTH_FILE,\n"
	"                                /run/containers/0/auth.json)\n"
	"  --cert-dir DIR                CA certificates (*.crt) and client pairs (*.cert, *.key)\n"
	"  --tls-verify=false            no TLS verification, plain HTTP if the registry speaks it\n"
	"  -q, --quiet                   no progress, only the image id\n";

int cmd_pull(const struct berth_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "platform", required_argument, NULL, OPT_REG_PLATFORM },
		REGISTRY_OPTIONS,
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct berth_registry_opts o = { .tls_verify = -1, .out = stderr };
	_cleanup_free_ char *id = NULL;
	_cleanup_free_ char *what = NULL;
	struct berth_store *s;
	berr_t err = NULL;
	bool quiet = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+qh", opts, NULL)) != -1) {
		if (c >= OPT_REGISTRY && c < OPT_REGISTRY_END) {
			if ((ret = cmd_registry_opt("pull", c, optarg, &o)) != 0)
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
			return cmd_usage_error("pull", "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return cmd_usage_error("pull", "exactly one image is needed");
	o.progress = cmd_progress(quiet);
	s = cmd_store_open(ctx);
	if (!s)
		return 1;
	ret = berth_pull(s, argv[optind], &o, &id, &err);
	berth_store_close(s);
	if (ret < 0) {
		if (asprintf(&what, "pull %s", argv[optind]) < 0)
			what = NULL;
		return cmd_fail(what ? what : "pull", &err);
	}
	/* as podman: the id, without "sha256:" */
	printf("%s\n", strncmp(id, "sha256:", 7) ? id : id + 7);
	return 0;
}
