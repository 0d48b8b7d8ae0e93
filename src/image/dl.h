/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_IMAGE_DL_H
#define BERTH_IMAGE_DL_H

/*
 * libcurl and libarchive are loaded on first use (dl-curl.c, dl-archive.c), so a
 * command that neither pulls nor unpacks -- and the container init that `berth run`
 * re-execs -- does not pay the dynamic loader for them and their ~40 dependencies.
 *
 * Their entry points (curl_global_init, curl_easy_init, curl_share_init,
 * archive_read_new, archive_write_new, archive_entry_new) load the library and
 * fail as the library would (CURLE_FAILED_INIT, NULL) when it cannot be loaded.
 * Callers then ask these for the reason: 0 if the library is loaded, else -1 with
 * *err set to "load libcurl.so.4: <dlerror>".
 */
#include "../util/error.h"

int dl_curl_load(berr_t *err);
int dl_archive_load(berr_t *err);

#endif
