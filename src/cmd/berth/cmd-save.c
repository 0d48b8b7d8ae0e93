/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "commands.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
	"usage: berth save [-o PATH] [--format FORMAT] IMAGE...\n"
	"\n"
	"Save images to an archive; without -o, a tar goes to standard output (not a terminal).\n"
	"  -o, --output PATH   write PATH (replaced atomically)\n"
	"  --format FORMAT     docker-archive (default), oci-archive or oci-dir\n";

enum { OPT_FORMAT = 256 };

int cmd_save(const struct berth_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_berr_ berr_t err = NULL;
	enum berth_archive_format fmt = BERTH_ARCHIVE_DOCKER;
	struct berth_store *s;
	const char *output = NULL;
	int c, r;

	while ((c = getopt_long(argc, argv, "+o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "docker-archive"))
				fmt = BERTH_ARCHIVE_DOCKER;
			else if (!strcmp(optarg, "oci-archive"))
				fmt = BERTH_ARCHIVE_OCI_TAR;
			else if (!strcmp(optarg, "oci-dir"))
				fmt = BERTH_ARCHIVE_OCI_DIR;
			else
				return cmd_usage_error("save", "unknown format \"%s\": docker-archive, "
						       "oci-archive or oci-dir", optarg);
			break;
		case 'h':
			return cmd_help(help);
		default:
			return cmd_usage_error("save", "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cmd_usage_error("save", "no image given");
	if (!output && fmt == BERTH_ARCHIVE_OCI_DIR)
		return cmd_usage_error("save", "oci-dir needs -o DIR");
	if (!output && isatty(STDOUT_FILENO))
		return cmd_usage_error("save", "refusing to write a tar to a terminal: give -o PATH "
					       "or redirect");
	s = cmd_store_open(ctx);
	if (!s)
		return 1;
	r = berth_save(s, argv + optind, fmt, output, &err);
	berth_store_close(s);
	if (r < 0)
		return cmd_fail("save", &err);
	return 0;
}
