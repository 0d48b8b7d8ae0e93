/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test-only: put an image into a store through the internal API, for the
 * CLI tests (tests/integration/images.bats) before `berth load` exists.
 *
 *   seed-store ROOT NAME|- LAYER-SEED...
 *
 * Each layer gets a blob and a layer dir derived from its seed (the same
 * seed gives the same layer); prints the image id.
 */
#include "image/image.h"
#include "util/cleanup.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_LAYERS 16

int main(int argc, char **argv)
{
	_cleanup_berr_ berr_t err = NULL;
	char diff[MAX_LAYERS][DIGEST_LEN + 1], blob[MAX_LAYERS][DIGEST_LEN + 1];
	char id[DIGEST_LEN + 1], man[DIGEST_LEN + 1], config[4096], manifest[16384], buf[256];
	const char *diffs[MAX_LAYERS], *blobs[MAX_LAYERS];
	_cleanup_free_ char *name = NULL;
	struct image_record rec = { 0 };
	struct berth_store *s;
	size_t n, off, moff;
	int fd;

	if (argc < 3 || argc - 3 > MAX_LAYERS) {
		fprintf(stderr, "usage: seed-store ROOT NAME|- LAYER-SEED...\n");
		return 2;
	}
	n = (size_t)argc - 3;
	if (strcmp(argv[2], "-") && !(name = ref_normalize(argv[2], &err)))
		goto fail;
	if (berth_store_open(argv[1], &s, &err) < 0)
		goto fail;
	off = (size_t)snprintf(config, sizeof(config), "{\"created\":\"2026-01-02T03:04:05Z\","
			       "\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":"
			       "[\"sh\"],\"Env\":[\"PATH=/bin\"]},\"rootfs\":{\"type\":\"layers\","
			       "\"diff_ids\":[");
	moff = 0;
	for (size_t i = 0; i < n; i++) {
		char dir[4096];

		snprintf(buf, sizeof(buf), "tar of layer %s", argv[3 + i]);
		sha256_buf(buf, strlen(buf), diff[i]);
		snprintf(buf, sizeof(buf), "gzip of layer %s", argv[3 + i]);
		if (blob_put(s, buf, strlen(buf), blob[i], &err) < 0)
			goto fail;
		snprintf(dir, sizeof(dir), "%s/layers/%s", berth_store_root(s), digest_hex(diff[i]));
		mkdir(dir, 0755);
		strcat(dir, "/file");
		fd = open(dir, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, buf, strlen(buf)) < 0)
			return perror(dir), 1;
		close(fd);
		off += (size_t)snprintf(config + off, sizeof(config) - off, "%s\"%s\"", i ? "," : "",
					diff[i]);
		moff += (size_t)snprintf(manifest + moff, sizeof(manifest) - moff,
					 "%s{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%zu}",
					 i ? "," : "", MT_OCI_LAYER_GZIP, blob[i], strlen(buf));
		diffs[i] = diff[i];
		blobs[i] = blob[i];
		rec.size += strlen(buf);
	}
	snprintf(config + off, sizeof(config) - off, "]}}");
	if (blob_put(s, config, strlen(config), id, &err) < 0)
		goto fail;
	{
		char layers[8192];

		snprintf(layers, sizeof(layers), "%.*s", (int)moff, manifest);
		snprintf(manifest, sizeof(manifest),
			 "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":\"%s\","
			 "\"digest\":\"%s\",\"size\":%zu},\"layers\":[%s]}", MT_OCI_MANIFEST,
			 MT_OCI_CONFIG, id, strlen(config), layers);
	}
	if (blob_put(s, manifest, strlen(manifest), man, &err) < 0)
		goto fail;
	rec.id = id;
	rec.manifest_digest = man;
	rec.manifest_type = MT_OCI_MANIFEST;
	rec.size += strlen(config);
	rec.n_layers = n;
	rec.diff_ids = diffs;
	rec.blob_digests = blobs;
	if (store_image_add(s, &rec, name, &err) < 0)
		goto fail;
	berth_store_close(s);
	puts(id);
	return 0;
fail:
	fprintf(stderr, "seed-store: %s\n", err ? err->msg : "failed");
	return 1;
}
