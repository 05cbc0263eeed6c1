#pragma once
#include <zlib.h>

// deflateInit2 and inflateInit2 are macros, which Swift does not import. 15 + 16: a 32 KB
// window with a gzip (RFC 1952) header and trailer instead of zlib's.
static inline int booking_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
static inline int booking_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 16);
}
