#ifndef ETL_CZLIB_SHIM_H
#define ETL_CZLIB_SHIM_H

#include <zlib.h>

/// `inflateInit2` is a macro: this is the call Swift can make. `windowBits` 15 + 32 reads both
/// gzip and zlib streams, detecting which from the header.
static inline int etl_inflate_init(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);
}

#endif
