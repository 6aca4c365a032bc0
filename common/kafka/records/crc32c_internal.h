// File: common/kafka/records/crc32c_internal.h
// Internal to sluice::records: the two CRC32C implementations behind Crc32c(), exposed
// so that tests can check that they agree. Production code calls Crc32c().
#pragma once

#include <cstddef>
#include <cstdint>

namespace sluice::kafka::internal {

// Table-driven ("slicing by 8") CRC32C; runs on any CPU.
uint32_t Crc32cSoftware(uint32_t crc, const void* data, size_t size);

// CRC32C with the SSE4.2 crc32 instruction.
// REQUIRES: Crc32cIsHardwareAccelerated(); on other CPUs this falls back to software.
uint32_t Crc32cHardware(uint32_t crc, const void* data, size_t size);

}  // namespace sluice::kafka::internal
