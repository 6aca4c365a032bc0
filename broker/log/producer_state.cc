#include "broker/log/producer_state.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "common/byte_order.h"

namespace sluice::log {

int32_t NextSequence(int32_t sequence) {
  return sequence == std::numeric_limits<int32_t>::max() ? 0 : sequence + 1;
}

int32_t LastSequence(int32_t base_sequence, int32_t last_offset_delta) {
  constexpr int64_t kModulus = int64_t{std::numeric_limits<int32_t>::max()} + 1;
  return static_cast<int32_t>((int64_t{base_sequence} + last_offset_delta) % kModulus);
}

SequenceVerdict ProducerStateTable::Check(const kafka::BatchHeader& header) const {
  if (header.producer_id < 0 || header.base_sequence < 0) return {};
  auto it = producers_.find(header.producer_id);
  if (it == producers_.end()) return {};
  const ProducerEntry& entry = it->second;
  if (header.producer_epoch < entry.epoch) return {SequenceCheck::kInvalidProducerEpoch, {}};
  if (header.producer_epoch > entry.epoch) {
    if (header.base_sequence == 0) return {};
    return {SequenceCheck::kOutOfOrderSequence, {}};
  }
  int32_t last = LastSequence(header.base_sequence, header.last_offset_delta);
  for (const ProducerBatch& b : entry.batches) {
    if (b.first_sequence == header.base_sequence && b.last_sequence == last) {
      return {SequenceCheck::kDuplicate, b};
    }
  }
  if (entry.batches.empty() ||
      header.base_sequence == NextSequence(entry.batches.back().last_sequence)) {
    return {};
  }
  return {SequenceCheck::kOutOfOrderSequence, {}};
}

void ProducerStateTable::Record(const kafka::BatchHeader& header) {
  if (header.producer_id < 0) return;
  auto [it, inserted] = producers_.try_emplace(header.producer_id);
  ProducerEntry& entry = it->second;
  if (inserted) {
    entry.epoch = header.producer_epoch;
  } else if (header.LastOffset() <= entry.last_offset || header.producer_epoch < entry.epoch) {
    return;
  } else if (header.producer_epoch > entry.epoch) {
    entry.epoch = header.producer_epoch;
    entry.batches.clear();
  }
  entry.last_offset = header.LastOffset();
  if (header.base_sequence < 0) return;
  entry.batches.push_back(ProducerBatch{
      header.base_sequence, LastSequence(header.base_sequence, header.last_offset_delta),
      header.base_offset, header.LastOffset()});
  if (entry.batches.size() > kProducerBatchesToRetain) entry.batches.pop_front();
}

void ProducerStateTable::EncodeTo(std::string* out) const {
  AppendBigEndian<uint32_t>(out, static_cast<uint32_t>(producers_.size()));
  for (const auto& [id, entry] : producers_) {
    AppendBigEndian<int64_t>(out, id);
    AppendBigEndian<int16_t>(out, entry.epoch);
    AppendBigEndian<int64_t>(out, entry.last_offset);
    AppendBigEndian<uint8_t>(out, static_cast<uint8_t>(entry.batches.size()));
    for (const ProducerBatch& b : entry.batches) {
      AppendBigEndian<int32_t>(out, b.first_sequence);
      AppendBigEndian<int32_t>(out, b.last_sequence);
      AppendBigEndian<int64_t>(out, b.base_offset);
      AppendBigEndian<int64_t>(out, b.last_offset);
    }
  }
}

absl::StatusOr<ProducerStateTable> ProducerStateTable::Decode(std::string_view bytes,
                                                              size_t* consumed) {
  ByteReader in(bytes.data(), bytes.size());
  auto malformed = [&in](const char* what) {
    return absl::DataLossError(absl::StrCat("producer state: ", what, " at byte ", in.position()));
  };
  uint32_t count = 0;
  if (!in.Read(&count)) return malformed("truncated count");
  ProducerStateTable table;
  // Every producer takes at least 19 bytes, which bounds the loop by the input size.
  if (count > in.remaining() / 19) return malformed("producer count too large");
  for (uint32_t i = 0; i < count; ++i) {
    int64_t id = 0;
    ProducerEntry entry;
    uint8_t batches = 0;
    if (!in.Read(&id) || !in.Read(&entry.epoch) || !in.Read(&entry.last_offset) ||
        !in.Read(&batches)) {
      return malformed("truncated producer");
    }
    if (id < 0 || batches > kProducerBatchesToRetain) return malformed("invalid producer");
    for (uint8_t j = 0; j < batches; ++j) {
      ProducerBatch b;
      if (!in.Read(&b.first_sequence) || !in.Read(&b.last_sequence) || !in.Read(&b.base_offset) ||
          !in.Read(&b.last_offset)) {
        return malformed("truncated batch");
      }
      entry.batches.push_back(b);
    }
    if (!table.producers_.emplace(id, std::move(entry)).second) {
      return malformed("duplicate producer id");
    }
  }
  *consumed = in.position();
  return table;
}

}  // namespace sluice::log
