/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Registry auth without a network: WWW-Authenticate parsing, base64, --creds, and the authfile
 * (what login writes, what logout removes, which keys a lookup accepts). */
#include "tap.h"
#include "image/registry.h"
#include "util/cleanup.h"
#include "util/fs.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <sys/stat.h>

static bool streq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static void test_challenges(void)
{
	char *realm, *service, *scope;
	enum reg_auth scheme;
	int ret;

	ret = auth_parse_challenge("Bearer realm=\"https://auth.example/token\",service=\"registry."
				   "example\",scope=\"repository:a/b:pull,push\"",
				   &scheme, &realm, &service, &scope);
	TAP_CHECK(ret == 0 && scheme == REG_AUTH_BEARER, "bearer_challenge_is_bearer");
	TAP_CHECK(streq(realm, "https://auth.example/token"), "bearer_realm");
	TAP_CHECK(streq(service, "registry.example"), "bearer_service");
	TAP_CHECK(streq(scope, "repository:a/b:pull,push"), "bearer_scope_keeps_its_comma");
	free(realm), free(service), free(scope);

	ret = auth_parse_challenge("basic realm=\"berth \\\"test\\\"\"", &scheme, &realm, &service,
				   &scope);
	TAP_CHECK(ret == 0 && scheme == REG_AUTH_BASIC && streq(realm, "berth \"test\"") &&
			  !service && !scope,
		  "basic_challenge_case_insensitive_with_escaped_quotes");
	free(realm), free(service), free(scope);

	ret = auth_parse_challenge("Bearer realm=http://t/x, service=svc", &scheme, &realm,
				   &service, &scope);
	TAP_CHECK(ret == 0 && streq(realm, "http://t/x") && streq(service, "svc"),
		  "unquoted_params");
	free(realm), free(service), free(scope);

	ret = auth_parse_challenge("Negotiate abc", &scheme, &realm, &service, &scope);
	TAP_CHECK(ret < 0 && scheme == REG_AUTH_NONE, "unknown_scheme_refused");
	ret = auth_parse_challenge("Bearer realm=\"unterminated", &scheme, &realm, &service, &scope);
	TAP_CHECK(ret == 0 && streq(realm, "unterminated"), "unterminated_quote_does_not_overrun");
	free(realm), free(service), free(scope);
}

static void test_base64_and_creds(void)
{
	_cleanup_free_ char *e = base64_encode("alice:s3cret", 12);
	_cleanup_free_ char *d = NULL, *d1 = NULL, *bad = NULL;
	char *user = NULL, *pass = NULL;
	size_t n = 0;

	TAP_CHECK(streq(e, "YWxpY2U6czNjcmV0"), "base64_encode");
	d = base64_decode("YWxpY2U6czNjcmV0", &n);
	TAP_CHECK(streq(d, "alice:s3cret") && n == 12, "base64_decode");
	d1 = base64_decode("eA==", &n);
	TAP_CHECK(streq(d1, "x") && n == 1, "base64_decode_padding");
	bad = base64_decode("abc", &n);
	TAP_CHECK(!bad, "base64_decode_rejects_bad_length");

	TAP_CHECK(creds_split("bob:pa:ss", &user, &pass) == 0 && streq(user, "bob") &&
			  streq(pass, "pa:ss"),
		  "creds_split_at_the_first_colon");
	free(user), free(pass);
	TAP_CHECK(creds_split("nocolon", &user, &pass) == -EINVAL, "creds_without_colon_refused");
	TAP_CHECK(creds_split(":x", &user, &pass) == -EINVAL, "creds_without_user_refused");
}

static void test_authfile(const char *dir)
{
	_cleanup_free_ char *path = NULL, *data = NULL;
	_cleanup_berr_ berr_t err = NULL;
	struct berth_registry_opts o = { .tls_verify = -1 };
	char *user = NULL, *pass = NULL;
	struct stat st;
	json_t *j;
	size_t len;
	int ret;

	if (asprintf(&path, "%s/sub/auth.json", dir) < 0)
		abort();
	o.authfile = path;
	TAP_CHECK(auth_lookup("r:5000", &o, &user, &pass, &err) == 0 && !user,
		  "lookup_without_a_file_is_anonymous");

	TAP_CHECK(auth_store(path, "r:5000", "alice", "s3cret", &err) == 0,
		  "store_creates_the_file_and_its_dir");
	TAP_CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "authfile_is_0600");
	TAP_CHECK(auth_store(path, "other:1", "bob", "pw", &err) == 0, "store_second_entry");
	TAP_CHECK(auth_lookup("r:5000", &o, &user, &pass, &err) == 0 && streq(user, "alice") &&
			  streq(pass, "s3cret"),
		  "lookup_finds_the_first_entry_again");
	free(user), free(pass);

	ret = read_file_at(AT_FDCWD, path, 1 << 20, &data, &len, &err);
	j = ret == 0 ? json_loadb(data, len, 0, NULL) : NULL;
	TAP_CHECK(streq(json_string_value(json_object_get(json_object_get(json_object_get(j, "auths"),
				"r:5000"), "auth")), "YWxpY2U6czNjcmV0"),
		  "docker_compatible_format");
	json_decref(j);

	TAP_CHECK(auth_remove(path, "r:5000", &err) == 0, "remove_entry");
	TAP_CHECK(auth_lookup("r:5000", &o, &user, &pass, &err) == 0 && !user, "removed_is_gone");
	TAP_CHECK(auth_lookup("other:1", &o, &user, &pass, &err) == 0 && streq(user, "bob"),
		  "remove_keeps_other_entries");
	free(user), free(pass);
	berr_free(&err);
	TAP_CHECK(auth_remove(path, "r:5000", &err) == -ENOENT, "remove_twice_is_enoent");
	berr_free(&err);

	/* keys as docker writes them */
	static const char docker_style[] =
		"{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"eDp5\"},"
		"\"https://h:1/\":{\"auth\":\"dTpw\"}}}";

	TAP_CHECK(write_file_at(AT_FDCWD, path, docker_style, strlen(docker_style), 0600, &err) == 0,
		  "write_docker_style_file");
	TAP_CHECK(auth_lookup("docker.io", &o, &user, &pass, &err) == 0 && streq(user, "x") &&
			  streq(pass, "y"),
		  "docker_io_matches_index_docker_io_v1");
	free(user), free(pass);
	TAP_CHECK(auth_lookup("h:1", &o, &user, &pass, &err) == 0 && streq(user, "u"),
		  "https_prefixed_key_matches");
	free(user), free(pass);
	TAP_CHECK(auth_lookup("h:12", &o, &user, &pass, &err) == 0 && !user,
		  "port_prefix_does_not_match");

	TAP_CHECK(write_file_at(AT_FDCWD, path, "{not json", 9, 0600, &err) == 0, "write_junk");
	TAP_CHECK(auth_lookup("h:1", &o, &user, &pass, &err) < 0 && err, "junk_authfile_is_an_error");
	berr_free(&err);
	TAP_CHECK(auth_store(path, "h:1", "u", "p", &err) < 0, "store_refuses_to_clobber_junk");
	berr_free(&err);

	o.authfile = NULL;
	o.creds = "c:d";
	TAP_CHECK(auth_lookup("h:1", &o, &user, &pass, &err) == 0 && streq(user, "c") &&
			  streq(pass, "d"),
		  "creds_override_the_authfile");
	free(user), free(pass);
}

int main(void)
{
	char dir[] = "/tmp/test-registry-auth.XXXXXX";

	if (!mkdtemp(dir))
		return 1;
	test_challenges();
	test_base64_and_creds();
	test_authfile(dir);
	_cleanup_berr_ berr_t err = NULL;
	int fd = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	remove_tree_at(fd, dir + 5, &err);
	close(fd);
	return TAP_DONE();
}
