/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_ENGINE_H
#define BERTH_ENGINE_H

/*
 * libberth-engine: containers made from images.  Builds a bundle (overlay
 * rootfs of the image's layers + config.json from the image config and the
 * user's options) and runs it through libberth-runtime.
 */

#include "../util/error.h"

/* STUB: the engine's API is designed with its first command, `berth run`. */

#endif
