// File: tests/common/kafka/protocol/materialize.h
// Test-only: what a zero-copy encoding puts on the wire, as one string. The slices' bytes
// are read with pread(2) and inserted at their positions (writer.h BodySlice), which is
// what the broker's connection sends with sendfile(2).
#pragma once

#include <unistd.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/kafka/protocol/writer.h"

namespace sluice::kafka::testing {

// A slice the file cannot fill comes out short (so a comparison fails).
inline std::string Materialize(std::string_view bytes, const std::vector<BodySlice>& slices) {
  std::string out;
  size_t copied = 0;
  for (const BodySlice& s : slices) {
    out.append(bytes.substr(copied, s.position - copied));
    copied = s.position;
    std::string piece(static_cast<size_t>(s.slice.length), '\0');
    ssize_t n = ::pread(s.slice.fd, piece.data(), piece.size(), static_cast<off_t>(s.slice.offset));
    piece.resize(n > 0 ? static_cast<size_t>(n) : 0);
    out += piece;
  }
  out.append(bytes.substr(copied));
  return out;
}

}  // namespace sluice::kafka::testing
