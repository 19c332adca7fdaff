#include "build_info.h"

#ifndef DRIFTWATCH_COMMIT
#define DRIFTWATCH_COMMIT "unknown"
#endif

const char *driftwatch_build_commit(void) { return DRIFTWATCH_COMMIT; }
