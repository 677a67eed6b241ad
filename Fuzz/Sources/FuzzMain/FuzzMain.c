// The entry points SwiftPM links as `main`. In debug builds SwiftPM links an executable target's
// `main` to `<Target>_main` (`--defsym main=<Target>_main`, so that tests can link executables),
// and a target made only of `@_cdecl` functions (`-parse-as-library`) defines no such symbol. Each
// `<Target>_main` here hands the process to libFuzzer's driver, as libFuzzer's own `main` would;
// where SwiftPM does not rename, libFuzzer's `main` is used and these stay unused.
#include "FuzzMain.h"

/// libFuzzer's driver (libclang_rt.fuzzer, linked by `-sanitize=fuzzer`).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#define ETL_FUZZ_MAIN(target) \
    int target##_main(int argc, char **argv) { return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput); }

ETL_FUZZ_MAIN(FuzzPipeline)
ETL_FUZZ_MAIN(FuzzRobots)
ETL_FUZZ_MAIN(FuzzSitemapFeed)
ETL_FUZZ_MAIN(FuzzTextDecoding)
ETL_FUZZ_MAIN(FuzzHTML)
