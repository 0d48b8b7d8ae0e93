/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
	"usage: berth load [-i PATH] [-q]\n"
	"\n"
	"Load images from an OCI layout (a directory or a tar of one) or a docker-archive,\n"
	"as written by docker save, podman save or skopeo.  Without -i, a tar is read from\n"
	"standard input.\n"
	"  -i, --input PATH   read PATH instead of standard input\n"
	"  -q, --quiet        print only what was loaded\n";

int cmd_load(const struct berth_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_berr_ berr_t err = NULL;
	struct berth_store *s;
	const char *input = NULL;
	char **names = NULL;
	int c, r;

	while ((c = getopt_long(argc, argv, "+i:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			input = optarg;
			break;
		case 'q':
			/* no progress is shown; what was loaded is printed either way */
			break;
		case 'h':
			return cmd_help(help);
		default:
			return cmd_usage_error("load", "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cmd_usage_error("load", "unexpected argument \"%s\"", argv[optind]);
	if (!input && isatty(STDIN_FILENO))
		return cmd_usage_error("load", "standard input is a terminal: give -i PATH or "
					       "redirect a tar");
	s = cmd_store_open(ctx);
	if (!s)
		return 1;
	r = berth_load(s, input, &names, &err);
	berth_store_close(s);
	if (r < 0)
		return cmd_fail("load", &err);
	for (char **n = names; n && *n; n++) {
		if (!strncmp(*n, "sha256:", 7))
			printf("Loaded image ID: %s\n", *n);
		else
			printf("Loaded image: %s\n", *n);
		free(*n);
	}
	free(names);
	return 0;
}
