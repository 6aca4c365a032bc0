// File: common/kafka/records/crc32c.h
// CRC-32C (Castagnoli), as used by Kafka record batch v2. Uses the SSE4.2 crc32
// instruction when the CPU has it, and a table-driven software path otherwise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sluice::kafka {

// Extends `crc` (0 for a fresh checksum) over `size` bytes at `data`.
uint32_t Crc32c(uint32_t crc, const void* data, size_t size);

inline uint32_t Crc32c(std::string_view bytes) { return Crc32c(0, bytes.data(), bytes.size()); }

// True if the hardware path is in use (for tests and start-up logging).
bool Crc32cIsHardwareAccelerated();

}  // namespace sluice::kafka
