// File: common/kafka/records/compression.h
// The record batch compression codecs (attributes bits 0-2): gzip, snappy, lz4 and
// zstd, in the framings that Kafka clients put on the wire.
//
//   codec   Compress() writes           Decompress() accepts
//   gzip    one gzip member (RFC 1952)  one or more concatenated gzip members
//   snappy  one raw snappy block        a raw block (librdkafka, Go clients) or the
//                                       xerial stream (Java client): 8-byte magic
//                                       82 'SNAPPY' 00, int32 version, int32 minimum
//                                       compatible version, then chunks of int32
//                                       big-endian length + raw block
//   lz4     one LZ4 frame, 64 KiB       LZ4 frames (any block size, linked or
//           independent blocks          independent blocks, checksums verified);
//                                       several frames are concatenated
//   zstd    one zstd frame with its     zstd frames, streamed, so a frame without a
//           content size                content size is fine
//
// Decompression never allocates much more than `max_output` for the output: the
// output grows in steps and decoding stops as soon as it would pass the bound. zstd
// additionally allocates its window (at most 128 MiB, zstd's default limit).
//
// Errors:
//   kInvalidArgument    unknown codec, or corrupt/truncated input (trailing garbage
//                       after the last frame included)
//   kResourceExhausted  the decompressed data would exceed `max_output` bytes
//   kInternal           the codec library failed on valid input (out of memory)
//
// Thread-safety: all functions are thread-safe; they keep no shared state.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/kafka/records/batch_header.h"

namespace sluice::kafka {

// True for the five codecs defined by Kafka (0..4); attributes values 5..7 are not.
bool IsKnownCompression(int codec);

// "none", "gzip", "snappy", "lz4", "zstd", or "unknown".
std::string_view CompressionName(Compression codec);

// Compresses `raw` with `codec` (kNone returns a copy).
absl::StatusOr<std::string> Compress(Compression codec, std::string_view raw);

// Decompresses `compressed`, which is untrusted, into at most `max_output` bytes.
// kNone returns a copy (kResourceExhausted if larger than `max_output`).
absl::StatusOr<std::string> Decompress(Compression codec, std::string_view compressed,
                                       size_t max_output);

}  // namespace sluice::kafka
