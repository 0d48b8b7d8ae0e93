/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HTTP for the registry client: one libcurl easy handle per request, all of a
 * registry's requests sharing connections and TLS sessions (so the threads of
 * a pull reuse the connections the manifest fetch opened).  TLS trusts the
 * system CAs plus the registry's cert dir; --tls-verify=false turns
 * verification off and falls back to plain http when the server speaks it.
 */
#include "registry.h"
#include "dl.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <ctype.h>
#include <curl/curl.h>
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define SYSTEM_CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"
#define CERTS_D "/etc/containers/certs.d"
#define DEFAULT_MAX_BODY (4u << 20)

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void reg_resp_clear(struct reg_resp *r)
{
	free(r->content_type);
	free(r->digest);
	free(r->location);
	free(r->www_auth);
	free(r->body);
	memset(r, 0, sizeof(*r));
}

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access a, void *arg)
{
	struct reg *r = arg;

	(void)h;
	(void)a;
	pthread_mutex_lock(&r->share_locks[(unsigned)data % ARRAY_SIZE(r->share_locks)]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *arg)
{
	struct reg *r = arg;

	(void)h;
	pthread_mutex_unlock(&r->share_locks[(unsigned)data % ARRAY_SIZE(r->share_locks)]);
}

static int append_file(char **buf, size_t *len, int dirfd, const char *name, berr_t *err)
{
	_cleanup_free_ char *data = NULL;
	size_t n;
	char *nb;

	if (read_file_at(dirfd, name, 1 << 20, &data, &n, err) < 0)
		return -1;
	nb = realloc(*buf, *len + n + 2);
	if (!nb)
		return berr_set(err, ENOMEM, "read %s", name);
	memcpy(nb + *len, data, n);
	*len += n;
	nb[(*len)++] = '\n';
	nb[*len] = 0;
	*buf = nb;
	return 0;
}

/* certs.d layout (as containers/image reads it): *.crt are CAs, X.cert + X.key a client pair. */
static int load_cert_dir(struct reg *r, const char *dir, bool explicit, berr_t *err)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *e;
	bool have_ca = false;
	char *ca = NULL;
	size_t ca_len = 0;

	if (!d) {
		if (errno == ENOENT && !explicit)
			return 0;
		return berr_errno(err, "open cert dir %s", dir);
	}
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (n > 4 && !strcmp(e->d_name + n - 4, ".crt")) {
			if (!have_ca && access(SYSTEM_CA_BUNDLE, R_OK) == 0 &&
			    append_file(&ca, &ca_len, AT_FDCWD, SYSTEM_CA_BUNDLE, err) < 0)
				goto fail;
			have_ca = true;
			if (append_file(&ca, &ca_len, dirfd(d), e->d_name, err) < 0) {
				berr_prefix(err, "cert dir %s", dir);
				goto fail;
			}
		} else if (n > 4 && !strcmp(e->d_name + n - 4, ".key")) {
			_cleanup_free_ char *cert = NULL;

			if (asprintf(&cert, "%s/%.*s.cert", dir, (int)(n - 4), e->d_name) < 0)
				goto nomem;
			if (access(cert, R_OK) < 0) {
				berr_fail(err, "cert dir %s: missing client certificate %s for key %s",
					  dir, cert, e->d_name);
				goto fail;
			}
			free(r->cert);
			free(r->key);
			r->cert = steal_ptr(cert);
			if (asprintf(&r->key, "%s/%s", dir, e->d_name) < 0) {
				r->key = NULL;
				goto nomem;
			}
		}
	}
	r->ca_blob = ca;
	r->ca_len = ca_len;
	return 0;
nomem:
	berr_set(err, ENOMEM, "cert dir %s", dir);
fail:
	free(ca);
	return -1;
}

int reg_new(const char *domain, const struct berth_registry_opts *o, struct reg **out,
	    berr_t *err)
{
	struct reg *r;
	CURLSH *sh;

	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		return dl_curl_load(err) ?: berr_fail(err, "libcurl: %s",
						      curl_easy_strerror(curl_init_rc));
	/* for sha256_buf and base64, which have no error path */
	if (dl_crypto_load(err) < 0)
		return -1;
	r = calloc(1, sizeof(*r));
	if (!r)
		return berr_set(err, ENOMEM, "registry %s", domain);
	pthread_mutex_init(&r->lock, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(r->share_locks); i++)
		pthread_mutex_init(&r->share_locks[i], NULL);
	r->domain = strdup(domain);
	r->insecure = o && o->tls_verify == 0;
	if (!r->domain)
		goto nomem;
	if (o && o->cert_dir) {
		if (load_cert_dir(r, o->cert_dir, true, err) < 0)
			goto fail;
	} else {
		_cleanup_free_ char *dir = NULL;

		if (asprintf(&dir, CERTS_D "/%s", domain) < 0)
			goto nomem;
		if (load_cert_dir(r, dir, false, err) < 0)
			goto fail;
	}
	if (auth_lookup(domain, o, &r->user, &r->pass, err) < 0)
		goto fail;
	sh = curl_share_init();
	if (!sh)
		goto nomem;     /* libcurl is loaded: curl_global_init() succeeded */
	curl_share_setopt(sh, CURLSHOPT_LOCKFUNC, share_lock);
	curl_share_setopt(sh, CURLSHOPT_UNLOCKFUNC, share_unlock);
	curl_share_setopt(sh, CURLSHOPT_USERDATA, r);
	curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
	r->share = sh;
	*out = r;
	return 0;
nomem:
	berr_set(err, ENOMEM, "registry %s", domain);
fail:
	reg_free(r);
	return -1;
}

void reg_free(struct reg *r)
{
	if (!r)
		return;
	if (r->share)
		curl_share_cleanup(r->share);
	for (size_t i = 0; i < r->n_tokens; i++) {
		free(r->tokens[i].scope);
		free(r->tokens[i].token);
	}
	free(r->tokens);
	free(r->domain);
	free(r->base);
	free(r->ca_blob);
	free(r->cert);
	free(r->key);
	free(r->user);
	if (r->pass)
		explicit_bzero(r->pass, strlen(r->pass));
	free(r->pass);
	free(r->realm);
	free(r->service);
	pthread_mutex_destroy(&r->lock);
	for (size_t i = 0; i < ARRAY_SIZE(r->share_locks); i++)
		pthread_mutex_destroy(&r->share_locks[i]);
	free(r);
}

struct xfer {
	CURL *c;
	const struct reg_req *q;
	struct reg_resp *resp;
	size_t max;
	int64_t up_off;
	bool sink_failed;
};

static size_t write_cb(char *buf, size_t sz, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = sz * nmemb;
	long status = 0;

	curl_easy_getinfo(x->c, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 200 && status < 300 && x->q->sink) {
		if (x->q->sink(x->q->sink_arg, buf, n) < 0) {
			x->sink_failed = true;
			return 0;
		}
		return n;
	}
	if (x->resp->len + n > x->max) {
		/* keep reading (an error body is only a hint), drop the excess */
		x->resp->truncated = true;
		n = x->max - x->resp->len;
		if (!n)
			return sz * nmemb;
	}
	char *nb = realloc(x->resp->body, x->resp->len + n + 1);

	if (!nb)
		return 0;
	memcpy(nb + x->resp->len, buf, n);
	x->resp->len += n;
	nb[x->resp->len] = 0;
	x->resp->body = nb;
	return sz * nmemb;
}

static void set_field(char **field, const char *v, size_t n)
{
	free(*field);
	*field = strndup(v, n);
}

static size_t header_cb(char *buf, size_t sz, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = sz * nmemb, klen;
	const char *colon, *v;
	char *body;

	/* a status line starts a new response (after a redirect): forget the last one */
	if (n > 5 && !strncmp(buf, "HTTP/", 5)) {
		body = x->resp->body;
		x->resp->body = NULL;
		reg_resp_clear(x->resp);
		free(body);
		return n;
	}
	colon = memchr(buf, ':', n);
	if (!colon)
		return n;
	klen = colon - buf;
	v = colon + 1;
	while (v < buf + n && (*v == ' ' || *v == '\t'))
		v++;
	size_t vlen = buf + n - v;

	while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' '))
		vlen--;
#define IS(name) (klen == sizeof(name) - 1 && !strncasecmp(buf, name, klen))
	if (IS("content-type"))
		set_field(&x->resp->content_type, v, vlen);
	else if (IS("docker-content-digest"))
		set_field(&x->resp->digest, v, vlen);
	else if (IS("location"))
		set_field(&x->resp->location, v, vlen);
	else if (IS("www-authenticate"))
		set_field(&x->resp->www_auth, v, vlen);
#undef IS
	return n;
}

static size_t read_cb(char *buf, size_t sz, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	const struct reg_req *q = x->q;
	size_t want = sz * nmemb;
	int64_t total = q->body_fd > 0 ? q->body_size : (int64_t)q->body_len;
	ssize_t n;

	if (x->up_off >= total)
		return 0;
	if ((int64_t)want > total - x->up_off)
		want = total - x->up_off;
	if (q->body_fd > 0) {
		do
			n = pread(q->body_fd, buf, want, x->up_off);
		while (n < 0 && errno == EINTR);
		if (n <= 0)
			return CURL_READFUNC_ABORT;
	} else {
		memcpy(buf, (const char *)q->body + x->up_off, want);
		n = want;
	}
	x->up_off += n;
	return n;
}

static int xferinfo_cb(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct xfer *x = arg;

	(void)dt, (void)dn, (void)ut, (void)un;
	return x->q->cancel && atomic_load(x->q->cancel);
}

/* One HTTP exchange against url; authz: a whole "Authorization: ..." header or NULL. */
static int http_once(struct reg *r, const char *url, const struct reg_req *q, const char *authz,
		     struct reg_resp *resp, CURLcode *rc_out, berr_t *err)
{
	struct xfer x = { .q = q, .resp = resp, .max = q->max_body ? q->max_body : DEFAULT_MAX_BODY };
	struct curl_slist *hdrs = NULL, *h;
	const char *method = q->method ? q->method : "GET";
	char line[512];
	CURLcode rc;
	CURL *c;
	int ret = 0;

	reg_resp_clear(resp);
	c = curl_easy_init();
	if (!c)
		return dl_curl_load(err) ?: berr_set(err, ENOMEM, "%s %s", method, url);
	x.c = c;
	h = curl_slist_append(hdrs, "Expect:");
	if (h)
		hdrs = h;
	if (q->accept) {
		snprintf(line, sizeof(line), "Accept: %s", q->accept);
		if ((h = curl_slist_append(hdrs, line)))
			hdrs = h;
	}
	if (q->content_type) {
		snprintf(line, sizeof(line), "Content-Type: %s", q->content_type);
		if ((h = curl_slist_append(hdrs, line)))
			hdrs = h;
	}
	if (authz && (h = curl_slist_append(hdrs, authz)))
		hdrs = h;

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_SHARE, r->share);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "berth/" BERTH_VERSION);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	/* a stalled registry fails instead of hanging the pull */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 120L);
	curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 256L * 1024);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, &x);
	if (r->insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	} else if (r->ca_blob) {
		struct curl_blob blob = { .data = r->ca_blob, .len = r->ca_len,
					  .flags = CURL_BLOB_NOCOPY };

		curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &blob);
	}
	if (r->cert) {
		curl_easy_setopt(c, CURLOPT_SSLCERT, r->cert);
		curl_easy_setopt(c, CURLOPT_SSLKEY, r->key);
	}
	if (!strcmp(method, "GET")) {
		/* blobs may live behind a redirect (a CDN); curl drops our
		 * Authorization header when the host changes */
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
	} else if (!strcmp(method, "HEAD")) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	} else if (!strcmp(method, "PUT")) {
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
		curl_easy_setopt(c, CURLOPT_READDATA, &x);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE,
				 (curl_off_t)(q->body_fd > 0 ? q->body_size : (int64_t)q->body_len));
	} else if (!strcmp(method, "POST")) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
		curl_easy_setopt(c, CURLOPT_READDATA, &x);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)(q->body_fd > 0 ? q->body_size : (int64_t)q->body_len));
	} else {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	}

	rc = curl_easy_perform(c);
	*rc_out = rc;
	if (rc == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	} else if (x.sink_failed || rc == CURLE_ABORTED_BY_CALLBACK) {
		ret = berr_set(err, ECANCELED, "%s %s: transfer aborted", method, url);
	} else {
		ret = berr_fail(err, "%s %s: %s", method, url, curl_easy_strerror(rc));
		if (rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_COULDNT_CONNECT)
			ret = -EIO;
	}
	curl_easy_cleanup(c);
	curl_slist_free_all(hdrs);
	return ret;
}

static char *full_url(struct reg *r, const char *url)
{
	char *s;

	if (!strncmp(url, "http://", 7) || !strncmp(url, "https://", 8))
		return strdup(url);
	if (asprintf(&s, "%s%s", r->base, url) < 0)
		return NULL;
	return s;
}

static bool is_tls_mismatch(CURLcode rc)
{
	/* a TLS hello answered in plain HTTP */
	return rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_RECV_ERROR ||
	       rc == CURLE_WEIRD_SERVER_REPLY;
}

int reg_ping(struct reg *r, berr_t *err)
{
	struct reg_req q = { .url = "/v2/", .max_body = 64 * 1024 };
	struct reg_resp resp = { 0 };
	enum reg_auth scheme;
	CURLcode rc;
	int ret;

	free(r->base);
	if (asprintf(&r->base, "https://%s", !strcmp(r->domain, "docker.io") ?
			"registry-1.docker.io" : r->domain) < 0) {
		r->base = NULL;
		return berr_set(err, ENOMEM, "ping %s", r->domain);
	}
	_cleanup_free_ char *url = full_url(r, "/v2/");

	ret = http_once(r, url, &q, NULL, &resp, &rc, err);
	if (ret < 0 && r->insecure && is_tls_mismatch(rc)) {
		berr_free(err);
		memcpy(r->base, "http", 4);
		memmove(r->base + 4, r->base + 5, strlen(r->base + 5) + 1);
		free(url);
		url = full_url(r, "/v2/");
		ret = http_once(r, url, &q, NULL, &resp, &rc, err);
	}
	if (ret < 0) {
		if (!r->insecure && is_tls_mismatch(rc))
			berr_prefix(err, "no TLS from %s (plain HTTP? then --tls-verify=false)",
				    r->domain);
		goto out;
	}
	if (resp.status == 401 && resp.www_auth) {
		_cleanup_free_ char *scope = NULL;

		auth_parse_challenge(resp.www_auth, &scheme, &r->realm, &r->service, &scope);
		r->auth = scheme;
		if (scheme == REG_AUTH_BEARER && !r->realm) {
			ret = berr_fail(err, "%s: Bearer challenge without a realm", r->domain);
			goto out;
		}
	} else if (resp.status == 401 || resp.status == 404 || resp.status >= 500) {
		/* 404: not a registry v2; 401 must say how to authenticate */
		ret = reg_status_error(r, &resp, err);
		berr_prefix(err, "GET %s", url);
	}
out:
	reg_resp_clear(&resp);
	return ret;
}

int reg_do(struct reg *r, const struct reg_req *q, struct reg_resp *resp, berr_t *err)
{
	_cleanup_free_ char *url = full_url(r, q->url);
	CURLcode rc;

	if (!url)
		return berr_set(err, ENOMEM, "request %s", q->url);
	if (q->authz)
		return http_once(r, url, q, q->authz, resp, &rc, err);
	for (int attempt = 0;; attempt++) {
		_cleanup_free_ char *authz = NULL, *b64 = NULL, *creds = NULL;
		enum reg_auth scheme;
		const char *token;

		if (r->auth == REG_AUTH_BASIC && r->user) {
			if (asprintf(&creds, "%s:%s", r->user, r->pass) < 0 ||
			    !(b64 = base64_encode(creds, strlen(creds))) ||
			    asprintf(&authz, "Authorization: Basic %s", b64) < 0)
				return berr_set(err, ENOMEM, "request %s", url);
		} else if (r->auth == REG_AUTH_BEARER) {
			if (auth_token(r, q->scope, &token, err) < 0)
				return -1;
			if (asprintf(&authz, "Authorization: Bearer %s", token) < 0)
				return berr_set(err, ENOMEM, "request %s", url);
		}
		if (creds)
			explicit_bzero(creds, strlen(creds));
		if (http_once(r, url, q, authz, resp, &rc, err) < 0)
			return -1;
		if (resp->status != 401 || attempt || !resp->www_auth)
			return 0;

		/* challenged: a registry may ask per request, for another scope */
		_cleanup_free_ char *realm = NULL, *service = NULL, *scope = NULL;

		auth_parse_challenge(resp->www_auth, &scheme, &realm, &service, &scope);
		if (scheme == REG_AUTH_BASIC && r->user && r->auth != REG_AUTH_BASIC) {
			r->auth = REG_AUTH_BASIC;
			continue;
		}
		if (scheme != REG_AUTH_BEARER || !realm || r->auth == REG_AUTH_BEARER)
			return 0;
		pthread_mutex_lock(&r->lock);
		free(r->realm);
		free(r->service);
		r->realm = steal_ptr(realm);
		r->service = steal_ptr(service);
		r->auth = REG_AUTH_BEARER;
		pthread_mutex_unlock(&r->lock);
	}
}

int reg_status_error(struct reg *r, const struct reg_resp *resp, berr_t *err)
{
	_cleanup_free_ char *detail = NULL;
	json_t *j = NULL, *e;
	int errnum = resp->status == 404 ? ENOENT : resp->status == 401 ? EACCES : EIO;
	int ret;

	if (resp->body && resp->len)
		j = json_loadb(resp->body, resp->len, 0, NULL);
	e = json_array_get(json_object_get(j, "errors"), 0);
	if (json_is_object(e)) {
		const char *code = json_string_value(json_object_get(e, "code"));
		const char *msg = json_string_value(json_object_get(e, "message"));

		if (asprintf(&detail, "%s%s%s", code ? code : "", code && msg ? ": " : "",
			     msg ? msg : "") < 0)
			detail = NULL;
	} else if (resp->body && resp->len) {
		/* first line of a non-JSON body, printable characters only */
		size_t n = strcspn(resp->body, "\r\n");

		detail = strndup(resp->body, n > 200 ? 200 : n);
		for (char *p = detail; p && *p; p++)
			if (!isprint((unsigned char)*p))
				*p = '?';
	}
	json_decref(j);
	if (resp->status == 401)
		ret = berr_fail(err, "%ld %s (%s)", resp->status,
				detail && *detail ? detail : "unauthorized",
				r->user ? "credentials rejected" :
					"no credentials: use berth login or --creds");
	else
		ret = berr_fail(err, "%ld %s", resp->status,
				detail && *detail ? detail : "unexpected status");
	(*err)->errnum = errnum;
	return ret < 0 ? -errnum : ret;
}
