/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

static const char help[] =
	"usage: berth-runtime ps [--format table|json] ID [-- PS_OPTIONS]\n"
	"\n"
	"Processes of the container: ps(1) output (default options -ef) limited to\n"
	"them, or a JSON array of pids.\n";

static bool has_pid(const pid_t *v, size_t n, long pid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == pid)
			return true;
	return false;
}

/* Run ps, keep the header and the rows whose PID column is one of ours. */
static int print_ps(char **ps_args, const pid_t *pids, size_t n)
{
	char *argv[64] = { "ps" };
	int pfd[2], status, pid_col = -1;
	size_t a = 1;
	char line[4096];
	FILE *f;
	pid_t child;

	if (!ps_args || !*ps_args)
		argv[a++] = "-ef";
	for (; ps_args && *ps_args && a < 63; ps_args++)
		argv[a++] = *ps_args;
	argv[a] = NULL;
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return 1;
	child = fork();
	if (child == 0) {
		dup2(pfd[1], STDOUT_FILENO);
		execvp("ps", argv);
		_exit(127);
	}
	close(pfd[1]);
	f = fdopen(pfd[0], "r");
	if (!f)
		return 1;
	for (bool header = true; fgets(line, sizeof(line), f); header = false) {
		char copy[4096], *tok, *save = NULL;
		int col = 0;

		strcpy(copy, line);
		for (tok = strtok_r(copy, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save), col++) {
			if (header && !strcmp(tok, "PID"))
				pid_col = col;
			if (!header && col == pid_col)
				break;
		}
		if (header || (tok && has_pid(pids, n, strtol(tok, NULL, 10))))
			fputs(line, stdout);
	}
	fclose(f);
	waitpid(child, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && pid_col >= 0 ? 0 : 1;
}

int cmd_ps(const struct berth_runtime *rt, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	berr_t err = NULL;
	bool json = false;
	pid_t *pids = NULL;
	size_t n = 0;
	const char *id;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+f:h", opts, NULL)) != -1) {
		if (c == 'f' && !strcmp(optarg, "json"))
			json = true;
		else if (c == 'f' && strcmp(optarg, "table"))
			return cmd_usage_error("ps", "unknown format \"%s\"", optarg);
		else if (c == 'h')
			return cmd_help(help);
		else if (c != 'f')
			return cmd_usage_error("ps", "unknown option \"%s\"", argv[optind - 1]);
	}
	if (optind >= argc)
		return cmd_usage_error("ps", "missing container ID");
	id = argv[optind];
	if (berth_ps(rt, id, &pids, &n, &err) < 0)
		return cmd_fail_id("ps", id, &err);
	if (json) {
		putchar('[');
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", pids[i]);
		puts("]");
		ret = 0;
	} else {
		/* runc: options after the ID (or after --) go to ps */
		ret = print_ps(argv + optind + 1, pids, n);
	}
	free(pids);
	return ret;
}
