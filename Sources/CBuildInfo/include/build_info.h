#ifndef DRIFTWATCH_BUILD_INFO_H
#define DRIFTWATCH_BUILD_INFO_H

/// The git commit this binary was built from, or "unknown". Set at build time by Package.swift from the
/// DRIFTWATCH_COMMIT environment variable (see docs/build-info.md); a C string because SwiftPM can pass a
/// valued define to C but not to Swift.
const char *driftwatch_build_commit(void);

#endif
