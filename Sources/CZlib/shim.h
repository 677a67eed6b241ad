#ifndef ETL_CZLIB_SHIM_H
#define ETL_CZLIB_SHIM_H

#include <zlib.h>

/// `inflateInit2` is a macro: this is the call Swift can make. `windowBits` 15 + 32 reads both
/// gzip and zlib streams, detecting which from the header.
static inline int etl_inflate_init(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);
}

/// `deflateInit2` is a macro too: a gzip stream (`windowBits` 15 + 16) at `level`, zlib's
/// default memory level and strategy. WARC files are written one gzip member per record with it.
static inline int etl_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

#endif
