/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Content digests.  Only sha256 is accepted: it is what every registry and
 * archive we meet uses, and one algorithm keeps blobs/ a single namespace.
 */
#include "image.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

struct sha256 {
	EVP_MD_CTX *ctx;
};

int digest_check(const char *digest, berr_t *err)
{
	const char *colon, *hex;

	if (!digest || !*digest)
		return berr_fail(err, "empty digest");
	colon = strchr(digest, ':');
	if (!colon)
		return berr_fail(err, "invalid digest \"%.80s\": no algorithm", digest);
	if ((size_t)(colon - digest) != 6 || strncmp(digest, "sha256", 6))
		return berr_fail_code(err, ENOTSUP, "digest \"%.80s\": unsupported algorithm \"%.*s\"",
				digest, (int)(colon - digest > 32 ? 32 : colon - digest), digest);
	hex = colon + 1;
	for (size_t i = 0; i < 64; i++) {
		char c = hex[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return berr_fail(err, "invalid digest \"%.80s\": want 64 lowercase hex digits",
					 digest);
	}
	if (hex[64])
		return berr_fail(err, "invalid digest \"%.80s\": want 64 lowercase hex digits", digest);
	return 0;
}

const char *digest_hex(const char *digest)
{
	return digest + 7;
}

struct sha256 *sha256_new(void)
{
	struct sha256 *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
		sha256_free(h);
		return NULL;
	}
	return h;
}

void sha256_update(struct sha256 *h, const void *buf, size_t len)
{
	/* EVP_DigestUpdate only fails on a broken ctx, which sha256_new refuses */
	EVP_DigestUpdate(h->ctx, buf, len);
}

static void to_digest(const unsigned char md[32], char out[static DIGEST_LEN + 1])
{
	static const char hexd[] = "0123456789abcdef";

	memcpy(out, "sha256:", 7);
	for (int i = 0; i < 32; i++) {
		out[7 + 2 * i] = hexd[md[i] >> 4];
		out[7 + 2 * i + 1] = hexd[md[i] & 15];
	}
	out[DIGEST_LEN] = '\0';
}

void sha256_final(struct sha256 *h, char out[static DIGEST_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	EVP_DigestFinal_ex(h->ctx, md, &n);
	to_digest(md, out);
	sha256_free(h);
}

void sha256_free(struct sha256 *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

void sha256_buf(const void *buf, size_t len, char out[static DIGEST_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	EVP_Digest(buf, len, md, &n, EVP_sha256(), NULL);
	to_digest(md, out);
}
