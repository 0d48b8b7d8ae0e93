/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_COMMANDS_H
#define BERTH_COMMANDS_H

#include <getopt.h>
#include <stdbool.h>
#include "image/berth-image.h"
#include "engine/berth-engine.h"

/* What the global options select; each command opens what it needs. */
struct berth_ctx {
	const char *root;       /* image and container store, default BERTH_STORE_DEFAULT_ROOT */
	const char *runroot;    /* runtime state, default /run/berth */
	bool debug;
};

/* One function per command: parse flags, call the libraries, print.
 * argv[0] is the command name; return the process exit status. */
int cmd_run(const struct berth_ctx *ctx, int argc, char **argv);
int cmd_pull(const struct berth_ctx *ctx, int argc, char **argv);
int cmd_push(const struct berth_ctx *ctx, int argc, char **argv);
int cmd_login(const struct berth_ctx *ctx, int argc, char **argv);
int cmd_logout(const struct berth_ctx *ctx, int argc, char **argv);
int cmd_load(const struct berth_ctx *ctx, int argc, char **argv);
int cmd_save(const struct berth_ctx *ctx, int argc, char **argv);
int cmd_images(const struct berth_ctx *ctx, int argc, char **argv);
int cmd_rmi(const struct berth_ctx *ctx, int argc, char **argv);
int cmd_tag(const struct berth_ctx *ctx, int argc, char **argv);
int cmd_inspect(const struct berth_ctx *ctx, int argc, char **argv);
/* `berth image SUBCOMMAND`: prune, ls, rm, pull, ... */
int cmd_image(const struct berth_ctx *ctx, int argc, char **argv);

/* "berth: <what>: <message>" on stderr; frees *err; returns 1 (or 125 as docker
 * does for engine errors in run -- the caller picks). */
int cmd_fail(const char *what, berr_t *err);
/* "berth <cmd>: <message> (see 'berth <cmd> --help')"; returns 125 (docker's status
 * for a usage error of run) for run, 1 otherwise. */
int cmd_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cmd_help(const char *text);
/* docker's rendering of a size: 3 significant digits, decimal units ("1.03MB") */
void cmd_human_size(uint64_t n, char *buf, size_t len);
/* Registry options shared by pull, push and login: REGISTRY_OPTIONS in their
 * getopt tables; cmd_registry_opt() takes the codes >= OPT_REGISTRY: 0 when
 * c was one of them, 1 when not, else a usage error's exit status. */
enum { OPT_REGISTRY = 0x1000, OPT_REG_PLATFORM = OPT_REGISTRY, OPT_REG_CREDS, OPT_REG_AUTHFILE,
       OPT_REG_CERT_DIR, OPT_REG_TLS_VERIFY, OPT_REGISTRY_END };
#define REGISTRY_OPTIONS                                                        \
	{ "creds", required_argument, NULL, OPT_REG_CREDS },                    \
	{ "authfile", required_argument, NULL, OPT_REG_AUTHFILE },              \
	{ "cert-dir", required_argument, NULL, OPT_REG_CERT_DIR },              \
	{ "tls-verify", optional_argument, NULL, OPT_REG_TLS_VERIFY }
int cmd_registry_opt(const char *cmd, int c, const char *arg, struct berth_registry_opts *o);
/* bars on a terminal, plain lines otherwise, nothing with -q */
enum berth_progress cmd_progress(bool quiet);

/* Open the store named by the globals; prints the error itself. */
struct berth_store *cmd_store_open(const struct berth_ctx *ctx);

#endif
