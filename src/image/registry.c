/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * berth_login / berth_logout: credentials checked against the registry's
 * /v2/ (or its token realm), then kept in the docker-compatible authfile.
 */
#include "registry.h"
#include "../util/cleanup.h"

#include <string.h>

/* "https://host:port/v2/" -> "host:port": the key the authfile uses */
static char *registry_key(const char *registry)
{
	const char *p = registry;

	if (!strncmp(p, "https://", 8))
		p += 8;
	else if (!strncmp(p, "http://", 7))
		p += 7;
	if (!strncmp(p, "index.docker.io", 15) || !strncmp(p, "registry-1.docker.io", 20))
		return strdup("docker.io");
	return strndup(p, strcspn(p, "/"));
}

static int check_login(struct reg *r, berr_t *err)
{
	struct reg_req q = { .url = "/v2/" };
	struct reg_resp resp = { 0 };
	const char *token;
	int ret = 0;

	if (reg_ping(r, err) < 0)
		return -1;
	switch (r->auth) {
	case REG_AUTH_NONE:
		/* the registry asks for nothing: nothing to check */
		return 0;
	case REG_AUTH_BEARER:
		return auth_token(r, NULL, &token, err);
	case REG_AUTH_BASIC:
		break;
	}
	if (reg_do(r, &q, &resp, err) < 0)
		return -1;
	if (resp.status != 200) {
		ret = reg_status_error(r, &resp, err);
		if (resp.status == 401)
			ret = berr_fail(err, "wrong username or password");
	}
	reg_resp_clear(&resp);
	return ret;
}

int berth_login(const char *registry, const char *user, const char *password,
		const struct berth_registry_opts *o, berr_t *err)
{
	struct berth_registry_opts opts = { .tls_verify = -1 };
	_cleanup_free_ char *key = registry_key(registry), *creds = NULL;
	struct reg *r = NULL;
	int ret;

	if (!key || !*key)
		return berr_fail(err, "login: no registry given");
	if (!user || !*user || strchr(user, ':'))
		return berr_fail(err, "login %s: a user name without ':' is needed", key);
	if (!password || !*password)
		return berr_fail(err, "login %s: a password is needed", key);
	if (o)
		opts = *o;
	if (asprintf(&creds, "%s:%s", user, password) < 0) {
		creds = NULL;
		return berr_set(err, ENOMEM, "login");
	}
	opts.creds = creds;
	ret = reg_new(key, &opts, &r, err);
	if (ret == 0)
		ret = check_login(r, err);
	reg_free(r);
	explicit_bzero(creds, strlen(creds));
	if (ret < 0)
		return berr_prefix(err, "login %s", key);
	if (auth_store(auth_file_path(o), key, user, password, err) < 0)
		return berr_prefix(err, "login %s", key);
	return 0;
}

int berth_logout(const char *registry, const struct berth_registry_opts *o, berr_t *err)
{
	_cleanup_free_ char *key = registry_key(registry);
	int ret;

	if (!key || !*key)
		return berr_fail(err, "logout: no registry given");
	ret = auth_remove(auth_file_path(o), key, err);
	if (ret < 0)
		return berr_prefix(err, "logout %s", key);
	return 0;
}
