/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "commands.h"
#include "util/cleanup.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
	"usage: berth run [options] IMAGE [COMMAND [ARG...]]\n"
	"\n"
	"Run a command in a new container, in the foreground.  berth exits with the\n"
	"command's status: 128+N when it was killed by signal N, 125 when the container\n"
	"could not be made, 126 when the command cannot be run, 127 when it is not found.\n"
	"\n"
	"  --rm                    remove the container when it exits\n"
	"  --name NAME             the container's name (default: generated)\n"
	"  -e, --env K=V           set a variable (K alone: take ours)\n"
	"      --env-file FILE     K=V lines\n"
	"  -w, --workdir DIR       working directory (created when missing)\n"
	"  -u, --user USER[:GROUP] names (from the image's /etc/passwd, /etc/group) or ids\n"
	"      --entrypoint CMD    replace the image's entrypoint (and its default command)\n"
	"  -v, --volume HOST:CTR[:ro]  bind mount an absolute host path\n"
	"      --hostname NAME     (default: the short container id)\n"
	"  -m, --memory SIZE       memory limit (b, k, m, g)\n"
	"      --cpus N            CPU quota in CPUs (1.5: 150 ms per 100 ms)\n"
	"      --pids-limit N      at most N processes\n"
	"      --network none|host none: own network namespace with only lo, up (default)\n"
	"  -i, --interactive       pass stdin to the container (else it reads /dev/null)\n"
	"  -t, --tty               a terminal for the container\n"
	"      --read-only         read-only root file system\n";

enum {
	OPT_RM = 256, OPT_NAME, OPT_ENV_FILE, OPT_ENTRYPOINT, OPT_HOSTNAME, OPT_CPUS,
	OPT_PIDS, OPT_NETWORK, OPT_READ_ONLY, OPT_HELP,
};

struct strv {
	char **v;
	size_t n;
};

static int strv_push(struct strv *s, const char *str)
{
	char **nv = realloc(s->v, (s->n + 2) * sizeof(*nv));

	if (!nv)
		return -1;
	s->v = nv;
	if (!(nv[s->n] = strdup(str)))
		return -1;
	nv[++s->n] = NULL;
	return 0;
}

static void strv_clear(struct strv *s)
{
	strv_freep(&s->v);
	s->n = 0;
}

struct run_args {
	struct berth_run_opts o;
	struct strv env, env_files, volumes;
};

static int parse_opt(struct run_args *a, int c, berr_t *err)
{
	struct berth_run_opts *o = &a->o;
	char *end;

	switch (c) {
	case OPT_RM: o->rm = true; return 0;
	case OPT_NAME: o->name = optarg; return 0;
	case 'e': return strv_push(&a->env, optarg) < 0 ? berr_errno(err, "-e") : 0;
	case OPT_ENV_FILE: return strv_push(&a->env_files, optarg) < 0 ? berr_errno(err, "--env-file") : 0;
	case 'w': o->workdir = optarg; return 0;
	case 'u': o->user = optarg; return 0;
	case OPT_ENTRYPOINT: o->entrypoint = optarg; return 0;
	case 'v': return strv_push(&a->volumes, optarg) < 0 ? berr_errno(err, "-v") : 0;
	case OPT_HOSTNAME: o->hostname = optarg; return 0;
	case 'm':
		if (berth_parse_size(optarg, &o->memory, err) < 0)
			return berr_prefix(err, "--memory");
		if (o->memory < (6 << 20))
			return berr_fail(err, "--memory %s: the minimum is 6m", optarg);
		return 0;
	case OPT_CPUS:
		return berth_parse_cpus(optarg, &o->cpu_quota, err) < 0 ? berr_prefix(err, "--cpus") : 0;
	case OPT_PIDS:
		errno = 0;
		o->pids_limit = strtoll(optarg, &end, 10);
		if (errno || *end || end == optarg || o->pids_limit < -1)
			return berr_fail(err, "--pids-limit \"%s\": a number (0 or -1: no limit)", optarg);
		return 0;
	case OPT_NETWORK:
		if (!strcmp(optarg, "none"))
			o->network = BERTH_NET_NONE;
		else if (!strcmp(optarg, "host"))
			o->network = BERTH_NET_HOST;
		else
			return berr_fail(err, "--network \"%s\": none or host", optarg);
		return 0;
	case 'i': o->interactive = true; return 0;
	case 't': o->tty = true; return 0;
	case OPT_READ_ONLY: o->read_only = true; return 0;
	}
	return 1;
}

/* --env-file entries first, -e after them: -e wins */
static int collect_env(struct run_args *a, struct strv *env, berr_t *err)
{
	for (size_t i = 0; i < a->env_files.n; i++)
		if (berth_read_env_file(a->env_files.v[i], &env->v, &env->n, err) < 0)
			return -1;
	for (size_t i = 0; i < a->env.n; i++)
		if (strv_push(env, a->env.v[i]) < 0)
			return berr_errno(err, "env");
	return 0;
}

int cmd_run(const struct berth_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rm", no_argument, NULL, OPT_RM },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "env", required_argument, NULL, 'e' },
		{ "env-file", required_argument, NULL, OPT_ENV_FILE },
		{ "workdir", required_argument, NULL, 'w' },
		{ "user", required_argument, NULL, 'u' },
		{ "entrypoint", required_argument, NULL, OPT_ENTRYPOINT },
		{ "volume", required_argument, NULL, 'v' },
		{ "hostname", required_argument, NULL, OPT_HOSTNAME },
		{ "memory", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "pids-limit", required_argument, NULL, OPT_PIDS },
		{ "network", required_argument, NULL, OPT_NETWORK },
		{ "net", required_argument, NULL, OPT_NETWORK },
		{ "interactive", no_argument, NULL, 'i' },
		{ "tty", no_argument, NULL, 't' },
		{ "read-only", no_argument, NULL, OPT_READ_ONLY },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct run_args a = { 0 };
	struct strv env = { 0 };
	struct berth_engine e = { .runroot = ctx->runroot, .debug = ctx->debug };
	_cleanup_berr_ berr_t err = NULL;
	int c, status = 125;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+e:w:u:v:m:it", opts, NULL)) != -1) {
		if (c == OPT_HELP) {
			status = cmd_help(help);
			goto out;
		}
		if (c == '?' || c == ':') {
			status = cmd_usage_error("run", "unknown option or missing value: %s",
						 argv[optind - 1]);
			goto out;
		}
		if (parse_opt(&a, c, &err) < 0)
			goto fail;
	}
	if (optind >= argc) {
		status = cmd_usage_error("run", "an IMAGE is required");
		goto out;
	}
	a.o.image = argv[optind];
	a.o.cmd = optind + 1 < argc ? argv + optind + 1 : NULL;
	a.o.volumes = a.volumes.v;
	if (collect_env(&a, &env, &err) < 0)
		goto fail;
	a.o.env = env.v;
	/* without -i the container gets no stdin of ours, as docker */
	if (!a.o.interactive) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (null >= 0 && null != STDIN_FILENO) {
			dup2(null, STDIN_FILENO);
			close(null);
		}
	}
	if (berth_store_open(ctx->root, &e.store, &err) < 0)
		goto fail;
	if (berth_container_run(&e, &a.o, &status, &err) < 0)
		goto fail;
	goto out;
fail:
	fprintf(stderr, "berth: run%s%s: %s\n", a.o.image ? " " : "", a.o.image ? a.o.image : "",
		err && err->msg ? err->msg : "unknown error");
out:
	if (e.store)
		berth_store_close(e.store);
	strv_clear(&a.env);
	strv_clear(&a.env_files);
	strv_clear(&a.volumes);
	strv_clear(&env);
	return status;
}
