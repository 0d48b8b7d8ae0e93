/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "commands.h"
#include "util/cleanup.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
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

enum { OPT_CREDS = 256, OPT_AUTHFILE, OPT_CERT_DIR, OPT_TLS_VERIFY };

static int parse_bool(const char *s)
{
	if (!s || !strcasecmp(s, "true") || !strcmp(s, "1"))
		return 1;
	if (!strcasecmp(s, "false") || !strcmp(s, "0"))
		return 0;
	return -1;
}

int cmd_push(const struct berth_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "creds", required_argument, NULL, OPT_CREDS },
		{ "authfile", required_argument, NULL, OPT_AUTHFILE },
		{ "cert-dir", required_argument, NULL, OPT_CERT_DIR },
		{ "tls-verify", optional_argument, NULL, OPT_TLS_VERIFY },
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
		switch (c) {
		case OPT_CREDS:
			o.creds = optarg;
			break;
		case OPT_AUTHFILE:
			o.authfile = optarg;
			break;
		case OPT_CERT_DIR:
			o.cert_dir = optarg;
			break;
		case OPT_TLS_VERIFY:
			o.tls_verify = parse_bool(optarg);
			if (o.tls_verify < 0)
				return cmd_usage_error("push", "--tls-verify takes true or false");
			break;
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
	o.progress = quiet ? BERTH_PROGRESS_QUIET :
		     isatty(STDERR_FILENO) ? BERTH_PROGRESS_BARS : BERTH_PROGRESS_LINES;
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
