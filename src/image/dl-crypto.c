/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libcrypto, loaded on first use (see dl.h): only the sha256 and base64 of pull,
 * push, load, save and unpack need it, not `berth run`.  EVP_MD_CTX_new is the entry
 * point; the rest have no error path and load on demand (dl_demand).
 */
#include "dl.h"

#include <openssl/evp.h>

typedef EVP_MD_CTX *M;

#define FUNCS(X, V, C)                                                                 \
	C(EVP_MD_CTX_new) C(EVP_MD_CTX_free)                                           \
	X(int, EVP_DigestInit_ex, (M c, const EVP_MD *t, ENGINE *e), (c, t, e))        \
	X(int, EVP_DigestUpdate, (M c, const void *d, size_t n), (c, d, n))            \
	X(int, EVP_DigestFinal_ex, (M c, unsigned char *md, unsigned int *n), (c, md, n)) \
	X(const EVP_MD *, EVP_sha256, (void), ())                                      \
	X(int, EVP_Digest, (const void *d, size_t n, unsigned char *md, unsigned int *s, \
			    const EVP_MD *t, ENGINE *e),                                  \
	  (d, n, md, s, t, e))                                                         \
	X(int, EVP_EncodeBlock, (unsigned char *t, const unsigned char *f, int n), (t, f, n)) \
	X(int, EVP_DecodeBlock, (unsigned char *t, const unsigned char *f, int n), (t, f, n))

DL_TABLE(crypto, "libcrypto.so.3")

int dl_crypto_load(berr_t *err)
{
	return dl_load(&crypto, err);
}

#define DEFINE(ret, name, params, args)                                                \
	ret(name) params                                                               \
	{                                                                              \
		dl_demand(&crypto, #name);                                             \
		return DL_FN(crypto, name) args;                                       \
	}
#define DEFINE_V(name, params, args)                                                   \
	void(name) params                                                              \
	{                                                                              \
		dl_demand(&crypto, #name);                                             \
		DL_FN(crypto, name) args;                                              \
	}
FUNCS(DEFINE, DEFINE_V, DL_SKIP_C)

EVP_MD_CTX *(EVP_MD_CTX_new)(void)
{
	return dl_loaded(&crypto) ? DL_FN(crypto, EVP_MD_CTX_new)() : NULL;
}

/* reached from cleanup paths after EVP_MD_CTX_new failed */
void(EVP_MD_CTX_free)(EVP_MD_CTX *c)
{
	if (!c)
		return;
	dl_need(&crypto, "EVP_MD_CTX_free");
	DL_FN(crypto, EVP_MD_CTX_free)(c);
}
