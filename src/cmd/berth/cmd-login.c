/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "commands.h"
#include "util/cleanup.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

static const char login_help[] =
	"usage: berth login [options] REGISTRY\n"
	"\n"
	"Check credentials against a registry and store them in the authfile.\n"
	"  -u, --username USER\n"
	"  -p, --password PASSWORD\n"
	"  --password-stdin        read the password from standard input\n"
	"  --authfile FILE         default $REGISTRY_AUTH_FILE, /run/containers/0/auth.json\n"
	"  --cert-dir DIR          CA certificates (*.crt) and client pairs (*.cert, *.key)\n"
	"  --tls-verify=false      no TLS verification, plain HTTP if the registry speaks it\n";

static const char logout_help[] =
	"usage: berth logout [--authfile FILE] REGISTRY\n"
	"\n"
	"Remove the credentials for a registry from the authfile.\n";

enum { OPT_PASSWORD_STDIN = 256 };

/* One line from f without its newline; echo off when f is a terminal. */
static char *read_line(FILE *f, const char *prompt, bool secret)
{
	struct termios old, quiet;
	bool tty = isatty(fileno(f));
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (tty && prompt) {
		fputs(prompt, stderr);
		fflush(stderr);
	}
	if (tty && secret && tcgetattr(fileno(f), &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~ECHO;
		tcsetattr(fileno(f), TCSAFLUSH, &quiet);
	} else {
		secret = false;
	}
	n = getline(&line, &cap, f);
	if (secret) {
		tcsetattr(fileno(f), TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (n < 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = 0;
	return line;
}

int cmd_login(const struct berth_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "username", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'p' },
		{ "password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN },
		REGISTRY_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct berth_registry_opts o = { .tls_verify = -1, .out = stderr };
	_cleanup_free_ char *user_buf = NULL, *pass_buf = NULL;
	const char *user = NULL, *pass = NULL;
	bool pass_stdin = false;
	berr_t err = NULL;
	int c;

	(void)ctx;
	while ((c = getopt_long(argc, argv, "+u:p:h", opts, NULL)) != -1) {
		int ret;

		if (c >= OPT_REGISTRY && c < OPT_REGISTRY_END) {
			if ((ret = cmd_registry_opt("login", c, optarg, &o)) != 0)
				return ret;
			continue;
		}
		switch (c) {
		case 'u':
			user = optarg;
			break;
		case 'p':
			pass = optarg;
			break;
		case OPT_PASSWORD_STDIN:
			pass_stdin = true;
			break;
		case 'h':
			return cmd_help(login_help);
		default:
			return cmd_usage_error("login", "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return cmd_usage_error("login", "exactly one registry is needed");
	if (pass && pass_stdin)
		return cmd_usage_error("login", "--password and --password-stdin exclude each other");
	if (!user) {
		if (pass_stdin || !isatty(STDIN_FILENO))
			return cmd_usage_error("login", "--username is needed");
		user = user_buf = read_line(stdin, "Username: ", false);
	}
	if (!pass) {
		if (!pass_stdin && !isatty(STDIN_FILENO))
			return cmd_usage_error("login", "--password or --password-stdin is needed");
		pass = pass_buf = read_line(stdin, "Password: ", true);
	}
	if (!user || !pass)
		return cmd_usage_error("login", "no username or password read");
	if (berth_login(argv[optind], user, pass, &o, &err) < 0) {
		if (pass_buf)
			explicit_bzero(pass_buf, strlen(pass_buf));
		return cmd_fail(NULL, &err);
	}
	if (pass_buf)
		explicit_bzero(pass_buf, strlen(pass_buf));
	printf("Login Succeeded!\n");
	return 0;
}

int cmd_logout(const struct berth_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "authfile", required_argument, NULL, OPT_REG_AUTHFILE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct berth_registry_opts o = { .tls_verify = -1 };
	berr_t err = NULL;
	int c;

	(void)ctx;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == OPT_REG_AUTHFILE)
			o.authfile = optarg;
		else if (c == 'h')
			return cmd_help(logout_help);
		else
			return cmd_usage_error("logout", "unknown option \"%s\"", argv[optind - 1]);
	}
	if (optind != argc - 1)
		return cmd_usage_error("logout", "exactly one registry is needed");
	if (berth_logout(argv[optind], &o, &err) < 0)
		return cmd_fail(NULL, &err);
	printf("Removed login credentials for %s\n", argv[optind]);
	return 0;
}
