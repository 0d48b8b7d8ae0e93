/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_REGISTRY_H
#define BERTH_REGISTRY_H

/*
 * Internal to the registry client (http.c, auth.c, registry.c, pull.c,
 * push.c, progress.c): one struct reg per registry host, shared by the
 * threads of a pull, and the requests made through it.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include "image.h"

enum reg_auth { REG_AUTH_NONE, REG_AUTH_BASIC, REG_AUTH_BEARER };

struct reg_token {
	char *scope;
	char *token;
};

struct reg {
	char *domain;           /* as in references: "127.0.0.1:5000", "docker.io" */
	char *base;             /* "https://host[:port]" or "http://..." once pinged */
	bool insecure;          /* --tls-verify=false: no verification, http fallback */
	char *ca_blob;          /* system CAs + the registry's *.crt, PEM */
	size_t ca_len;
	char *cert, *key;       /* client certificate pair, if the cert dir has one */
	char *user, *pass;      /* NULL: anonymous */
	enum reg_auth auth;     /* what /v2/ asked for */
	char *realm, *service;  /* Bearer challenge */
	pthread_mutex_t lock;   /* tokens */
	struct reg_token *tokens;
	size_t n_tokens;
	void *share;            /* CURLSH: connections, TLS sessions, DNS across threads */
	pthread_mutex_t share_locks[8];
};

/* Body bytes of a 2xx reply, as they arrive; < 0 aborts the transfer. */
typedef int (*reg_sink_fn)(void *arg, const void *buf, size_t len);

struct reg_req {
	const char *method;     /* GET (default), HEAD, POST, PUT */
	const char *url;        /* "/v2/..." below base, or an absolute URL */
	const char *accept;
	const char *content_type;
	const void *body;       /* request body from memory ... */
	size_t body_len;
	int body_fd;            /* ... or from an fd (pread from 0), when > 0 */
	int64_t body_size;
	const char *scope;      /* Bearer scope, "repository:NAME:pull" */
	const char *authz;      /* a whole Authorization header: sent as is, no retry */
	reg_sink_fn sink;       /* NULL: the body is kept in resp (up to max_body) */
	void *sink_arg;
	size_t max_body;        /* 0: 4 MiB */
	atomic_bool *cancel;    /* set by another thread: abort */
};

struct reg_resp {
	long status;
	char *content_type;
	char *digest;           /* Docker-Content-Digest */
	char *location;
	char *www_auth;
	char *body;             /* NUL-terminated */
	size_t len;
	bool truncated;         /* more than max_body came */
};
void reg_resp_clear(struct reg_resp *r);

/* http.c */
/* Set up TLS and credentials for domain (no network yet). */
int reg_new(const char *domain, const struct berth_registry_opts *o, struct reg **out,
	    berr_t *err);
void reg_free(struct reg *r);
/* GET /v2/: pick http or https, learn the auth challenge.  -EACCES on 401
 * with the credentials given. */
int reg_ping(struct reg *r, berr_t *err);
/* One request with auth (tokens fetched as challenged, one retry on 401).
 * Transport errors fail; any HTTP status returns 0 with resp filled. */
int reg_do(struct reg *r, const struct reg_req *q, struct reg_resp *resp, berr_t *err);
/* Error from a non-2xx reply: "404 MANIFEST_UNKNOWN: manifest unknown" */
int reg_status_error(struct reg *r, const struct reg_resp *resp, berr_t *err);

/* auth.c */
/* The authfile to write: o->authfile, $REGISTRY_AUTH_FILE, /run/containers/0/auth.json */
const char *auth_file_path(const struct berth_registry_opts *o);
/* Credentials for domain: o->creds, else the authfile, else ~/.docker/config.json.
 * 0 with *user NULL when there are none. */
int auth_lookup(const char *domain, const struct berth_registry_opts *o, char **user,
		char **pass, berr_t *err);
int auth_store(const char *path, const char *domain, const char *user, const char *pass,
	       berr_t *err);
/* -ENOENT when the file has no entry for domain */
int auth_remove(const char *path, const char *domain, berr_t *err);
/* "Bearer realm="x",service="y",scope="z"" -> parts (malloc'd, NULL if absent) */
int auth_parse_challenge(const char *hdr, enum reg_auth *scheme, char **realm, char **service,
			 char **scope);
char *base64_encode(const void *buf, size_t len);
/* NULL on malformed input */
char *base64_decode(const char *s, size_t *len);
/* "user:pass" split; -EINVAL without a colon */
int creds_split(const char *creds, char **user, char **pass);
/* Bearer token for scope, cached; fetched from the realm with basic creds if known. */
int auth_token(struct reg *r, const char *scope, const char **token, berr_t *err);

/* progress.c */
struct progress;
struct progress *progress_new(enum berth_progress mode, FILE *out);
void progress_free(struct progress *p);
/* a line of its own: "Copying config sha256:..."; returns its index */
int progress_add(struct progress *p, const char *what, const char *digest, int64_t total);
void progress_update(struct progress *p, int idx, int64_t done);
/* status: "done", "skipped: already exists", "failed" */
void progress_finish(struct progress *p, int idx, const char *status);
void progress_msg(struct progress *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* registry.c */
/* "repository:PATH:ACTIONS" */
char *reg_scope(const char *path, const char *actions);

#endif
