/* SPDX-License-Identifier: GPL-2.0-or-later */
/* berth: the engine's command line -- images and the containers made of them. */
#include "commands.h"
#include "runtime/berth-runtime.h"
#include "util/cleanup.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: berth [global options] COMMAND [options]\n"
	"\n"
	"Daemonless containers from OCI and Docker images.\n"
	"\n"
	"Commands:\n"
	"  run       run a command in a new container from an image\n"
	"  pull      pull an image from a registry\n"
	"  push      push an image to a registry\n"
	"  login     store credentials for a registry\n"
	"  logout    remove stored credentials\n"
	"  load      load images from an OCI layout or docker-archive\n"
	"  save      save images to an OCI layout or docker-archive\n"
	"  images    list images\n"
	"  rmi       remove images\n"
	"  tag       give an image another name\n"
	"  inspect   show an image's details as JSON\n"
	"  image     image subcommands (prune, ls, rm, ...)\n"
	"\n"
	"Global options:\n"
	"  --root DIR      image and container store (default " BERTH_STORE_DEFAULT_ROOT ")\n"
	"  --runroot DIR   runtime state (default /run/berth)\n"
	"  --debug         debug output\n"
	"  -v, --version   print the version\n"
	"  -h, --help      this help\n";

static const struct {
	const char *name;
	int (*fn)(const struct berth_ctx *, int, char **);
} commands[] = {
	{ "run", cmd_run },       { "pull", cmd_pull },     { "push", cmd_push },
	{ "login", cmd_login },   { "logout", cmd_logout }, { "load", cmd_load },
	{ "save", cmd_save },     { "images", cmd_images }, { "rmi", cmd_rmi },
	{ "tag", cmd_tag },       { "inspect", cmd_inspect }, { "image", cmd_image },
};

int cmd_fail(const char *what, berr_t *err)
{
	const char *msg = err && *err && (*err)->msg ? (*err)->msg : "unknown error";

	if (what)
		fprintf(stderr, "berth: %s: %s\n", what, msg);
	else
		fprintf(stderr, "berth: %s\n", msg);
	berr_free(err);
	return 1;
}

int cmd_usage_error(const char *cmd, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	fprintf(stderr, "berth: %s: %s (see 'berth %s --help')\n", cmd, msg ? msg : "bad usage",
		cmd);
	return !strcmp(cmd, "run") ? 125 : 1;
}

int cmd_help(const char *text)
{
	fputs(text, stdout);
	return 0;
}

struct berth_store *cmd_store_open(const struct berth_ctx *ctx)
{
	_cleanup_berr_ berr_t err = NULL;
	struct berth_store *s;

	if (berth_store_open(ctx->root, &s, &err) < 0) {
		cmd_fail("open the store", &err);
		return NULL;
	}
	return s;
}

/* docker's rendering: 3 significant digits, decimal units */
void cmd_human_size(uint64_t n, char *buf, size_t len)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB" };
	double v = (double)n;
	size_t u = 0;

	while (v >= 999.5 && u + 1 < ARRAY_SIZE(units)) { /* 999.9 would print as 1e+03 */
		v /= 1000;
		u++;
	}
	snprintf(buf, len, "%.3g%s", v, units[u]);
}

enum { OPT_ROOT = 256, OPT_RUNROOT, OPT_DEBUG };

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "runroot", required_argument, NULL, OPT_RUNROOT },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct berth_ctx ctx = { .root = BERTH_STORE_DEFAULT_ROOT, .runroot = "/run/berth" };
	int c;

	/* the container's init, re-executed by libberth-runtime (berth run) */
	if (argc == 2 && !strcmp(argv[1], "init") && getenv(BERTH_INIT_ENV))
		return berth_init_main();
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT:
			ctx.root = optarg;
			break;
		case OPT_RUNROOT:
			ctx.runroot = optarg;
			break;
		case OPT_DEBUG:
			ctx.debug = true;
			break;
		case 'v':
			printf("berth version %s\n", BERTH_VERSION);
			return 0;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fprintf(stderr, "berth: unknown global option \"%s\"\n%s", argv[optind - 1],
				usage);
			return 1;
		}
	}
	if (optind >= argc) {
		fputs(usage, stderr);
		return 1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		char **cargv = argv + optind;
		int cargc = argc - optind;

		if (strcmp(commands[i].name, argv[optind]))
			continue;
		optind = 0; /* reset getopt for the command's own flags */
		return commands[i].fn(&ctx, cargc, cargv);
	}
	fprintf(stderr, "berth: unknown command \"%s\" (see 'berth --help')\n", argv[optind]);
	return 1;
}
