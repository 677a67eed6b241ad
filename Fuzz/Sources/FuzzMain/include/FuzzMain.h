#ifndef ETL_FUZZ_MAIN_H
#define ETL_FUZZ_MAIN_H

#include <stddef.h>
#include <stdint.h>

/// The function each fuzz target defines in Swift (`@_cdecl("LLVMFuzzerTestOneInput")`).
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
