/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "commands.h"
#include "util/fs.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char help[] =
	"usage: berth-runtime spec [options]\n"
	"\n"
	"Write a default config.json into the bundle directory.\n"
	"  -b, --bundle DIR   bundle directory (default: current directory)\n"
	"      --rootless     a config for an unprivileged user (user namespace)\n";

enum { OPT_ROOTLESS = 256 };

int cmd_spec(const struct berth_runtime *rt, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "rootless", no_argument, NULL, OPT_ROOTLESS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bundle = ".";
	bool rootless = false;
	berr_t err = NULL;
	char path[4096], *text;
	struct stat sb;
	int c, ret = 0;

	while ((c = getopt_long(argc, argv, "+b:h", opts, NULL)) != -1) {
		if (c == 'b')
			bundle = optarg;
		else if (c == OPT_ROOTLESS)
			rootless = true;
		else if (c == 'h')
			return cmd_help(help);
		else
			return cmd_usage_error("spec", "unknown option \"%s\"", argv[optind - 1]);
	}
	if (optind < argc)
		return cmd_usage_error("spec", "unexpected argument \"%s\"", argv[optind]);
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	if (stat(path, &sb) == 0) {
		fprintf(stderr, "berth-runtime: spec: %s already exists\n", path);
		return 1;
	}
	text = berth_spec_default(rootless);
	if (!text)
		return 1;
	if (write_file_at(AT_FDCWD, path, text, strlen(text), 0644, &err) < 0) {
		ret = cmd_fail("spec", err);
		berr_free(&err);
	}
	free(text);
	return ret;
}
