/* SPDX-License-Identifier: GPL-2.0-or-later */
/* STUB: berth, the engine's command line */
#include <stdio.h>
#include "image/berth-image.h"
#include "engine/berth-engine.h"

int main(void)
{
	fprintf(stderr, "berth: not implemented yet\n");
	return 1;
}
