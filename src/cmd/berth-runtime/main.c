/* SPDX-License-Identifier: GPL-2.0-or-later */
/* berth-runtime: an OCI runtime, command-line compatible with runc and crun. */
#include "commands.h"
#include "util/cleanup.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: berth-runtime [global options] COMMAND [options] [ID]\n"
	"\n"
	"An OCI runtime (runtime-spec " BERTH_OCI_VERSION "), compatible with runc and crun.\n"
	"\n"
	"Commands:\n"
	"  create    create a container from a bundle, stopped before the user process\n"
	"  start     run the user process of a created container\n"
	"  run       create and start a container (foreground unless --detach)\n"
	"  exec      run a process in a running container\n"
	"  state     print the state of a container as JSON\n"
	"  kill      send a signal to the container's init (or all its processes)\n"
	"  delete    delete a stopped container (--force: any)\n"
	"  pause     freeze every process of the container\n"
	"  resume    thaw a paused container\n"
	"  ps        list the container's processes\n"
	"  update    change the resource limits of a running container\n"
	"  events    stream stats and OOM events as JSON\n"
	"  list      list containers\n"
	"  spec      write a default config.json\n"
	"  features  print the features this runtime supports, as JSON\n"
	"  checkpoint save a running container with criu\n"
	"  restore   recreate a container from a checkpoint\n"
	"\n"
	"Global options:\n"
	"  --root DIR                 state directory (default " BERTH_RUNTIME_DEFAULT_ROOT ")\n"
	"  --log FILE                 write errors and debug output to FILE\n"
	"  --log-format text|json     format of the --log file (default text)\n"
	"  --debug                    debug output\n"
	"  --systemd-cgroup           cgroupsPath is slice:prefix:name (systemd)\n"
	"  --cgroup-manager MANAGER   cgroupfs, systemd or disabled\n"
	"  --criu PATH                the criu binary for checkpoint/restore (default: criu)\n"
	"  -v, --version              print the version\n"
	"  -h, --help                 this help\n";

static const struct {
	const char *name;
	int (*fn)(const struct berth_runtime *, int, char **);
	bool needs_clone;
} commands[] = {
	/* create and run re-exec only the container's init (container-init.c) */
	{ "create", cmd_create, false }, { "start", cmd_start, false },
	{ "run", cmd_run, false },       { "exec", cmd_exec, true },
	{ "state", cmd_state, false },
	{ "kill", cmd_kill, false },     { "delete", cmd_delete, false },
	{ "pause", cmd_pause, false },   { "resume", cmd_resume, false },
	{ "ps", cmd_ps, false },         { "update", cmd_update, false },
	{ "events", cmd_events, false },
	{ "list", cmd_list, false },
	{ "spec", cmd_spec, false },     { "features", cmd_features, false },
	{ "checkpoint", cmd_checkpoint, false }, { "restore", cmd_restore, false },
};

int cmd_fail(const char *what, berr_t err)
{
	const char *msg = err && err->msg ? err->msg : "unknown error";

	if (what)
		fprintf(stderr, "berth-runtime: %s: %s\n", what, msg);
	else
		fprintf(stderr, "berth-runtime: %s\n", msg);
	berth_log_error("%s%s%s", what ? what : "", what ? ": " : "", msg);
	return 1;
}

int cmd_fail_id(const char *cmd, const char *id, berr_t *err)
{
	char what[1100];
	int ret;

	snprintf(what, sizeof(what), "%s %s", cmd, id ? id : "");
	ret = cmd_fail(what, *err);
	berr_free(err);
	return ret;
}

int cmd_usage_error(const char *cmd, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	fprintf(stderr, "berth-runtime: %s: %s (see 'berth-runtime %s --help')\n", cmd,
		msg ? msg : "bad usage", cmd);
	berth_log_error("%s: %s", cmd, msg ? msg : "bad usage");
	return 1;
}

const char *cmd_one_id(const char *cmd, int argc, char **argv)
{
	if (optind >= argc) {
		cmd_usage_error(cmd, "missing container ID");
		return NULL;
	}
	if (optind + 1 < argc) {
		cmd_usage_error(cmd, "unexpected argument \"%s\"", argv[optind + 1]);
		return NULL;
	}
	return argv[optind];
}

int cmd_help(const char *text)
{
	fputs(text, stdout);
	return 0;
}

enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD, OPT_CGMGR, OPT_ROOTLESS,
       OPT_CRIU };

int main(int argc, char **argv, char **envp)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD },
		{ "cgroup-manager", required_argument, NULL, OPT_CGMGR },
		{ "rootless", required_argument, NULL, OPT_ROOTLESS },
		{ "criu", required_argument, NULL, OPT_CRIU },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct berth_runtime rt = { .root = BERTH_RUNTIME_DEFAULT_ROOT };
	const char *log_path = NULL;
	enum berth_log_format fmt = BERTH_LOG_TEXT;
	_cleanup_berr_ berr_t err = NULL;
	int c;

	if (argc == 2 && !strcmp(argv[1], "init") && getenv(BERTH_INIT_ENV))
		return berth_init_main();
	opterr = 0;
	/* '+': stop at the command name; its own flags follow it */
	while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT:
			rt.root = optarg;
			break;
		case OPT_LOG:
			log_path = optarg;
			break;
		case OPT_LOG_FORMAT:
			if (!strcmp(optarg, "json"))
				fmt = BERTH_LOG_JSON;
			else if (strcmp(optarg, "text"))
				return cmd_usage_error("--log-format", "unknown format \"%s\"", optarg);
			break;
		case OPT_DEBUG:
			rt.debug = true;
			break;
		case OPT_SYSTEMD:
			rt.systemd_cgroup = true;
			break;
		case OPT_CGMGR:
			if (strcmp(optarg, "cgroupfs") && strcmp(optarg, "systemd") &&
			    strcmp(optarg, "disabled"))
				return cmd_usage_error("--cgroup-manager", "unknown manager \"%s\"",
						       optarg);
			rt.cgroup_manager = optarg;
			break;
		case OPT_CRIU:
			rt.criu = optarg;
			break;
		case OPT_ROOTLESS:
			break; /* accepted for runc compatibility */
		case 'v':
			printf("berth-runtime version %s\nspec: %s\n", BERTH_VERSION, BERTH_OCI_VERSION);
			return 0;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fprintf(stderr, "berth-runtime: unknown global option \"%s\"\n%s",
				argv[optind - 1], usage);
			return 1;
		}
	}
	if (berth_log_open(log_path, fmt, rt.debug, &err) < 0)
		return cmd_fail(NULL, err);
	if (optind >= argc) {
		fputs(usage, stderr);
		return 1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		char **cargv = argv + optind;
		int cargc = argc - optind;

		if (!commands[i].fn || strcmp(commands[i].name, argv[optind]))
			continue;
		if (commands[i].needs_clone && berth_ensure_cloned_binary(argv, envp, &err) < 0)
			return cmd_fail(argv[optind], err);
		optind = 0; /* reset getopt for the command's own flags */
		return commands[i].fn(&rt, cargc, cargv);
	}
	fprintf(stderr, "berth-runtime: unknown command \"%s\"\n", argv[optind]);
	return 1;
}
