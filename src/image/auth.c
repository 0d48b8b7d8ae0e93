/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Registry credentials: the docker-compatible authfile
 * ({"auths":{"host:port":{"auth":base64(user:pass)}}}), Basic auth, and
 * Bearer tokens fetched from the realm a registry's challenge names.
 */
#include "registry.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define AUTHFILE_DEFAULT "/run/containers/0/auth.json"
#define AUTHFILE_MAX (4u << 20)

char *base64_encode(const void *buf, size_t len)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);

	if (out)
		EVP_EncodeBlock((unsigned char *)out, buf, (int)len);
	return out;
}

char *base64_decode(const char *s, size_t *len)
{
	size_t n = strlen(s), pad = 0;
	unsigned char *out;
	int m;

	if (n % 4)
		return NULL;
	out = malloc(n / 4 * 3 + 1);
	if (!out)
		return NULL;
	m = EVP_DecodeBlock(out, (const unsigned char *)s, (int)n);
	if (m < 0) {
		free(out);
		return NULL;
	}
	/* EVP_DecodeBlock counts the padding as zero bytes */
	while (pad < 2 && n > pad && s[n - 1 - pad] == '=')
		pad++;
	m -= pad;
	out[m] = 0;
	if (len)
		*len = m;
	return (char *)out;
}

int creds_split(const char *creds, char **user, char **pass)
{
	const char *colon = strchr(creds, ':');

	if (!colon || colon == creds)
		return -EINVAL;
	*user = strndup(creds, colon - creds);
	*pass = strdup(colon + 1);
	if (!*user || !*pass) {
		free(*user);
		free(*pass);
		return -ENOMEM;
	}
	return 0;
}

const char *auth_file_path(const struct berth_registry_opts *o)
{
	const char *env = getenv("REGISTRY_AUTH_FILE");

	if (o && o->authfile)
		return o->authfile;
	if (env && *env)
		return env;
	return AUTHFILE_DEFAULT;
}

/* The keys an authfile may use for domain, as docker and podman write them. */
static bool key_matches(const char *key, const char *domain)
{
	size_t n;

	if (!strncmp(key, "https://", 8))
		key += 8;
	else if (!strncmp(key, "http://", 7))
		key += 7;
	n = strcspn(key, "/");
	if (!strcmp(domain, "docker.io") &&
	    ((n == 15 && !strncmp(key, "index.docker.io", n)) ||
	     (n == 20 && !strncmp(key, "registry-1.docker.io", n))))
		return true;
	return n == strlen(domain) && !strncmp(key, domain, n) && (!key[n] || !strcmp(key + n, "/") ||
								   !strcmp(key + n, "/v1/"));
}

/* 1 when found, 0 when the file or entry is absent */
static int lookup_in(const char *path, const char *domain, char **user, char **pass,
		     berr_t *err)
{
	_cleanup_free_ char *data = NULL, *raw = NULL;
	json_auto_t *j = NULL;
	json_error_t jerr;
	const char *key, *b64;
	json_t *v;
	size_t len;

	if (read_file_at(AT_FDCWD, path, AUTHFILE_MAX, &data, &len, err) < 0) {
		if (berr_code(*err) == ENOENT) {
			berr_free(err);
			return 0;
		}
		return -1;
	}
	j = json_loadb(data, len, 0, &jerr);
	if (!j)
		return berr_fail(err, "authfile %s: %s", path, jerr.text);
	json_object_foreach(json_object_get(j, "auths"), key, v) {
		if (!key_matches(key, domain))
			continue;
		b64 = json_string_value(json_object_get(v, "auth"));
		if (b64 && *b64) {
			raw = base64_decode(b64, NULL);
			if (!raw || creds_split(raw, user, pass) < 0)
				return berr_fail(err, "authfile %s: malformed auth for %s", path, key);
			explicit_bzero(raw, strlen(raw));
			return 1;
		}
		if (json_string_value(json_object_get(v, "username")) &&
		    json_string_value(json_object_get(v, "password"))) {
			*user = strdup(json_string_value(json_object_get(v, "username")));
			*pass = strdup(json_string_value(json_object_get(v, "password")));
			return 1;
		}
	}
	return 0;
}

int auth_lookup(const char *domain, const struct berth_registry_opts *o, char **user,
		char **pass, berr_t *err)
{
	_cleanup_free_ char *docker = NULL;
	const char *home = getenv("HOME");
	int ret;

	*user = *pass = NULL;
	if (o && o->creds) {
		if (creds_split(o->creds, user, pass) < 0)
			return berr_fail(err, "--creds: expected USER:PASSWORD");
		return 0;
	}
	ret = lookup_in(auth_file_path(o), domain, user, pass, err);
	if (ret != 0 || (o && o->authfile))
		return ret < 0 ? ret : 0;
	if (home && asprintf(&docker, "%s/.docker/config.json", home) >= 0)
		ret = lookup_in(docker, domain, user, pass, err);
	return ret < 0 ? ret : 0;
}

static int load_for_update(const char *path, json_t **out, berr_t *err)
{
	_cleanup_free_ char *data = NULL;
	json_error_t jerr;
	size_t len;
	json_t *j;

	if (read_file_at(AT_FDCWD, path, AUTHFILE_MAX, &data, &len, err) < 0) {
		if (berr_code(*err) != ENOENT)
			return -1;
		berr_free(err);
		len = 0;
	}
	j = len ? json_loadb(data, len, 0, &jerr) : json_object();
	if (!j)
		return berr_fail(err, "authfile %s: %s", path, jerr.text);
	if (!json_is_object(j)) {
		json_decref(j);
		return berr_fail(err, "authfile %s: not a JSON object", path);
	}
	if (!json_is_object(json_object_get(j, "auths")))
		json_object_set_new(j, "auths", json_object());
	*out = j;
	return 0;
}

static int save(const char *path, json_t *j, berr_t *err)
{
	_cleanup_free_ char *dir = strdup(path), *text = NULL;

	if (!dir)
		return berr_set(err, ENOMEM, "write %s", path);
	if (mkdir_p(dirname(dir), 0700, err) < 0)
		return -1;
	text = json_dumps(j, JSON_INDENT(1));
	if (!text)
		return berr_set(err, ENOMEM, "write %s", path);
	/* atomic: a reader never sees half a file, and other entries survive */
	return write_file_atomic_at(AT_FDCWD, path, text, strlen(text), 0600, err);
}

int auth_store(const char *path, const char *domain, const char *user, const char *pass,
	       berr_t *err)
{
	json_auto_t *j = NULL;
	_cleanup_free_ char *creds = NULL, *b64 = NULL;
	json_t *auths;

	if (load_for_update(path, &j, err) < 0)
		return -1;
	if (asprintf(&creds, "%s:%s", user, pass) < 0 || !(b64 = base64_encode(creds, strlen(creds))))
		return berr_set(err, ENOMEM, "store credentials");
	explicit_bzero(creds, strlen(creds));
	auths = json_object_get(j, "auths");
	json_object_set_new(auths, domain, json_pack("{s:s}", "auth", b64));
	return save(path, j, err);
}

int auth_remove(const char *path, const char *domain, berr_t *err)
{
	json_auto_t *j = NULL;
	const char *key;
	void *tmp;
	json_t *v, *auths;
	bool found = false;

	if (load_for_update(path, &j, err) < 0)
		return -1;
	auths = json_object_get(j, "auths");
	json_object_foreach_safe(auths, tmp, key, v) {
		if (key_matches(key, domain)) {
			json_object_del(auths, key);
			found = true;
		}
	}
	if (!found) {
		berr_fail(err, "not logged in to %s", domain);
		return -ENOENT;
	}
	return save(path, j, err);
}

/* One auth-param value: quoted string or token; advances *p. */
static char *param_value(const char **p)
{
	const char *s = *p;
	char *out, *o;

	if (*s != '"') {
		size_t n = strcspn(s, ", \t");

		*p = s + n;
		return strndup(s, n);
	}
	s++;
	out = o = malloc(strlen(s) + 1);
	if (!out)
		return NULL;
	while (*s && *s != '"') {
		if (*s == '\\' && s[1])
			s++;
		*o++ = *s++;
	}
	*o = 0;
	*p = *s ? s + 1 : s;
	return out;
}

int auth_parse_challenge(const char *hdr, enum reg_auth *scheme, char **realm, char **service,
			 char **scope)
{
	const char *p = hdr;

	*realm = *service = *scope = NULL;
	*scheme = REG_AUTH_NONE;
	while (*p == ' ')
		p++;
	if (!strncasecmp(p, "basic", 5) && (!p[5] || p[5] == ' ')) {
		*scheme = REG_AUTH_BASIC;
		p += 5;
	} else if (!strncasecmp(p, "bearer", 6) && (!p[6] || p[6] == ' ')) {
		*scheme = REG_AUTH_BEARER;
		p += 6;
	} else {
		return -EINVAL;
	}
	while (*p) {
		size_t klen;
		const char *k;
		char *v;

		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		k = p;
		klen = strcspn(p, "= ,");
		p += klen;
		if (*p != '=')
			continue;
		p++;
		v = param_value(&p);
		if (klen == 5 && !strncasecmp(k, "realm", 5) && !*realm)
			*realm = v;
		else if (klen == 7 && !strncasecmp(k, "service", 7) && !*service)
			*service = v;
		else if (klen == 5 && !strncasecmp(k, "scope", 5) && !*scope)
			*scope = v;
		else
			free(v);
	}
	return 0;
}

static int fetch_token(struct reg *r, const char *scope, char **token, berr_t *err)
{
	_cleanup_free_ char *url = NULL, *creds = NULL, *b64 = NULL, *authz = NULL;
	json_auto_t *j = NULL;
	char *svc = NULL, *scp = NULL;
	struct reg_resp resp = { 0 };
	struct reg_req q = { .max_body = 1 << 20 };
	const char *t;
	int ret;

	pthread_mutex_lock(&r->lock);
	if (r->service)
		svc = curl_easy_escape(NULL, r->service, 0);
	if (scope)
		scp = curl_easy_escape(NULL, scope, 0);
	ret = asprintf(&url, "%s%sservice=%s%s%s", r->realm, strchr(r->realm, '?') ? "&" : "?",
		       svc ? svc : "", scp ? "&scope=" : "", scp ? scp : "");
	pthread_mutex_unlock(&r->lock);
	curl_free(svc);
	curl_free(scp);
	if (ret < 0) {
		url = NULL;
		return berr_set(err, ENOMEM, "token");
	}
	if (r->user) {
		if (asprintf(&creds, "%s:%s", r->user, r->pass) < 0 ||
		    !(b64 = base64_encode(creds, strlen(creds))) ||
		    asprintf(&authz, "Authorization: Basic %s", b64) < 0)
			return berr_set(err, ENOMEM, "token");
		explicit_bzero(creds, strlen(creds));
		q.authz = authz;
	} else {
		q.authz = "X-Anonymous: 1"; /* a header that is no Authorization: no retry */
	}
	q.url = url;
	if (reg_do(r, &q, &resp, err) < 0)
		return berr_prefix(err, "get token from %s", r->realm);
	if (resp.status != 200) {
		reg_status_error(r, &resp, err);
		reg_resp_clear(&resp);
		return berr_prefix(err, "get token from %s", r->realm);
	}
	j = json_loadb(resp.body ? resp.body : "", resp.len, 0, NULL);
	reg_resp_clear(&resp);
	t = json_string_value(json_object_get(j, "token"));
	if (!t || !*t)
		t = json_string_value(json_object_get(j, "access_token"));
	if (!t || !*t)
		return berr_fail(err, "get token from %s: no token in the reply", r->realm);
	*token = strdup(t);
	return *token ? 0 : berr_set(err, ENOMEM, "token");
}

int auth_token(struct reg *r, const char *scope, const char **token, berr_t *err)
{
	const char *key = scope ? scope : "";
	struct reg_token *nt;
	char *tok = NULL;

	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < r->n_tokens; i++) {
		if (!strcmp(r->tokens[i].scope, key)) {
			*token = r->tokens[i].token;
			pthread_mutex_unlock(&r->lock);
			return 0;
		}
	}
	pthread_mutex_unlock(&r->lock);
	/* two threads may both fetch one scope; the second token is simply kept too */
	if (fetch_token(r, scope, &tok, err) < 0)
		return -1;
	pthread_mutex_lock(&r->lock);
	nt = realloc(r->tokens, (r->n_tokens + 1) * sizeof(*nt));
	if (!nt) {
		pthread_mutex_unlock(&r->lock);
		free(tok);
		return berr_set(err, ENOMEM, "token");
	}
	r->tokens = nt;
	nt[r->n_tokens].scope = strdup(key);
	nt[r->n_tokens].token = tok;
	if (!nt[r->n_tokens].scope) {
		pthread_mutex_unlock(&r->lock);
		free(tok);
		return berr_set(err, ENOMEM, "token");
	}
	*token = nt[r->n_tokens++].token;
	pthread_mutex_unlock(&r->lock);
	return 0;
}

char *reg_scope(const char *path, const char *actions)
{
	char *s;

	if (asprintf(&s, "repository:%s:%s", path, actions) < 0)
		return NULL;
	return s;
}
