/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for what a registry or an archive hands berth before any
 * digest vouches for it: references, manifests, indexes, image configs.  The
 * first byte picks the parser; none may crash, leak, or succeed with an
 * unusable result.
 */
#include "image/image.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_result(int ret, berr_t *err)
{
	if ((ret < 0) != (*err != NULL) || (*err && !(*err)->msg))
		__builtin_trap();
	berr_free(err);
}

static void fuzz_ref(const char *s)
{
	struct berth_ref r = { 0 };
	berr_t err = NULL;
	int ret = berth_ref_parse(s, &r, &err);

	if (ret == 0) {
		char *text = berth_ref_format(&r);
		struct berth_ref again = { 0 };
		berr_t e2 = NULL;

		/* the normal form parses back to itself */
		if (!r.domain || !r.path || (!r.tag && !r.digest) || !text ||
		    berth_ref_parse(text, &again, &e2) < 0)
			__builtin_trap();
		if (strcmp(again.domain, r.domain) || strcmp(again.path, r.path))
			__builtin_trap();
		berth_ref_clear(&again);
		free(text);
	}
	berth_ref_clear(&r);
	check_result(ret, &err);
	free(ref_normalize(s, &err));
	berr_free(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf;
	berr_t err = NULL;
	char *text;
	int ret;

	if (size < 1)
		return 0;
	/* a NUL-terminated copy: the parsers take (buf, len), references a string */
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	buf = text;
	switch (data[0] % 4) {
	case 0: {
		struct manifest m = { 0 };

		ret = manifest_parse(buf, size - 1, &m, &err);
		if (ret == 0 && (!m.config.digest || (m.n_layers && !m.layers)))
			__builtin_trap();
		manifest_clear(&m);
		check_result(ret, &err);
		break;
	}
	case 1: {
		struct descriptor d = { 0 };

		ret = index_select(buf, size - 1, BERTH_DEFAULT_PLATFORM, &d, &err);
		if (ret == 0 && (!d.digest || digest_check(d.digest, &err) < 0))
			__builtin_trap();
		descriptor_clear(&d);
		check_result(ret, &err);
		break;
	}
	case 2: {
		char **ids = NULL;
		size_t n = 0;

		ret = config_diff_ids(buf, size - 1, &ids, &n, &err);
		for (size_t i = 0; ret == 0 && i < n; i++)
			if (!ids[i] || digest_check(ids[i], &err) < 0)
				__builtin_trap();
		for (size_t i = 0; ids && i < n; i++)
			free(ids[i]);
		free(ids);
		check_result(ret, &err);
		break;
	}
	default:
		fuzz_ref(buf);
		break;
	}
	free(text);
	return 0;
}
