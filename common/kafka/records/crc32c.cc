#include "common/kafka/records/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <cpuid.h>
#include <nmmintrin.h>
#endif

#include "common/kafka/records/crc32c_internal.h"

namespace sluice::kafka {
namespace {

constexpr uint32_t kPolynomial = 0x82F63B78;  // reflected Castagnoli polynomial

// tables[k][b] = CRC of byte b followed by k zero bytes ("slicing by 8").
struct Tables {
  std::array<std::array<uint32_t, 256>, 8> t{};
  constexpr Tables() {
    for (uint32_t b = 0; b < 256; ++b) {
      uint32_t crc = b;
      for (int i = 0; i < 8; ++i) crc = (crc >> 1) ^ ((crc & 1) ? kPolynomial : 0);
      t[0][b] = crc;
    }
    for (uint32_t b = 0; b < 256; ++b) {
      for (int k = 1; k < 8; ++k) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
    }
  }
};
constexpr Tables kTables;

uint32_t SoftwareCrc(uint32_t crc, const uint8_t* p, size_t n) {
  crc = ~crc;
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    word ^= crc;  // little-endian: the low 4 bytes absorb the running crc
    crc = kTables.t[7][word & 0xff] ^ kTables.t[6][(word >> 8) & 0xff] ^
          kTables.t[5][(word >> 16) & 0xff] ^ kTables.t[4][(word >> 24) & 0xff] ^
          kTables.t[3][(word >> 32) & 0xff] ^ kTables.t[2][(word >> 40) & 0xff] ^
          kTables.t[1][(word >> 48) & 0xff] ^ kTables.t[0][word >> 56];
    p += 8;
    n -= 8;
  }
  while (n--) crc = (crc >> 8) ^ kTables.t[0][(crc ^ *p++) & 0xff];
  return ~crc;
}

#if defined(__x86_64__)
// One crc32 instruction takes 3 cycles but a new one can start every cycle, so a single
// dependent chain runs at a third of the unit's speed. Long inputs are cut into three
// streams of equal length crc'd side by side, then joined: for the raw (uninverted)
// register, crc(r, A || B) = Shift(crc(r, A), |B|) ^ crc(0, B), where Shift feeds zero bytes.
__attribute__((target("sse4.2"))) uint32_t ChainCrc(uint32_t c, const uint8_t* p, size_t n) {
  uint64_t c64 = c;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    c64 = _mm_crc32_u64(c64, word);
  }
  uint32_t c32 = static_cast<uint32_t>(c64);
  while (n--) c32 = _mm_crc32_u8(c32, *p++);
  return c32;
}

// Shift(r, Length) as four table lookups, one per byte of r (Shift is linear in r).
template <size_t Length>
struct ZeroShift {
  std::array<std::array<uint32_t, 256>, 4> t{};
  ZeroShift() {
    static constexpr std::array<uint8_t, Length> kZeros{};
    for (int k = 0; k < 4; ++k) {
      for (uint32_t b = 0; b < 256; ++b) t[k][b] = ChainCrc(b << (8 * k), kZeros.data(), Length);
    }
  }
  uint32_t operator()(uint32_t r) const {
    return t[0][r & 0xff] ^ t[1][(r >> 8) & 0xff] ^ t[2][(r >> 16) & 0xff] ^ t[3][r >> 24];
  }
};

// Crc's `n` bytes as blocks of three Length-byte streams; leaves the rest in `*p`, `*n`.
template <size_t Length>
__attribute__((target("sse4.2"))) uint32_t ThreeStreams(uint32_t c, const uint8_t** p, size_t* n) {
  static const ZeroShift<Length> shift;
  while (*n >= 3 * Length) {
    const uint8_t* a = *p;
    uint64_t ca = c, cb = 0, cc = 0;
    for (size_t i = 0; i < Length; i += 8) {
      uint64_t wa, wb, wc;
      std::memcpy(&wa, a + i, 8);
      std::memcpy(&wb, a + Length + i, 8);
      std::memcpy(&wc, a + 2 * Length + i, 8);
      ca = _mm_crc32_u64(ca, wa);
      cb = _mm_crc32_u64(cb, wb);
      cc = _mm_crc32_u64(cc, wc);
    }
    c = shift(shift(static_cast<uint32_t>(ca)) ^ static_cast<uint32_t>(cb)) ^
        static_cast<uint32_t>(cc);
    *p += 3 * Length;
    *n -= 3 * Length;
  }
  return c;
}

uint32_t HardwareCrc(uint32_t crc, const uint8_t* p, size_t n) {
  uint32_t c = ~crc;
  c = ThreeStreams<2048>(c, &p, &n);
  c = ThreeStreams<128>(c, &p, &n);
  return ~ChainCrc(c, p, n);
}

bool CpuHasSse42() {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
  return (ecx & bit_SSE4_2) != 0;
}
const bool kHardware = CpuHasSse42();
#else
const bool kHardware = false;
#endif

}  // namespace

namespace internal {

uint32_t Crc32cSoftware(uint32_t crc, const void* data, size_t size) {
  return SoftwareCrc(crc, static_cast<const uint8_t*>(data), size);
}

uint32_t Crc32cHardware(uint32_t crc, const void* data, size_t size) {
#if defined(__x86_64__)
  if (kHardware) return HardwareCrc(crc, static_cast<const uint8_t*>(data), size);
#endif
  return SoftwareCrc(crc, static_cast<const uint8_t*>(data), size);
}

}  // namespace internal

uint32_t Crc32c(uint32_t crc, const void* data, size_t size) {
  const auto* p = static_cast<const uint8_t*>(data);
#if defined(__x86_64__)
  if (kHardware) return HardwareCrc(crc, p, size);
#endif
  return SoftwareCrc(crc, p, size);
}

bool Crc32cIsHardwareAccelerated() { return kHardware; }

}  // namespace sluice::kafka
