/* SPDX-License-Identifier: GPL-2.0-or-later */
/* STUB */
#include "berth-engine.h"
