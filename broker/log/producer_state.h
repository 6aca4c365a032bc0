// File: broker/log/producer_state.h
// Idempotent-producer state of one partition (KIP-98): for every producer id its epoch,
// the offset of its last batch and the sequence ranges of its last 5 batches, which is
// what duplicate detection and sequence checks need. Rebuilt at open from batch headers
// (or loaded from the clean-shutdown checkpoint) and updated after every append.
//
// Not synchronized: the owning PartitionLog guards it with its mutex.
// Gaps: producers never expire (Kafka: producer.id.expiration.ms), so the table grows
// with the number of distinct producer ids that ever wrote to the partition.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "common/kafka/records/batch_header.h"

namespace sluice::log {

inline constexpr size_t kProducerBatchesToRetain = 5;

// The sequence that follows `sequence`: sequences wrap from INT32_MAX to 0.
int32_t NextSequence(int32_t sequence);
// The sequence of the last record of a batch, with the same wrap.
int32_t LastSequence(int32_t base_sequence, int32_t last_offset_delta);

struct ProducerBatch {
  int32_t first_sequence = 0;
  int32_t last_sequence = 0;
  int64_t base_offset = 0;
  int64_t last_offset = 0;
  bool operator==(const ProducerBatch&) const = default;
};

struct ProducerEntry {
  int16_t epoch = 0;
  int64_t last_offset = -1;           // Last offset of any batch of this producer.
  std::deque<ProducerBatch> batches;  // Oldest first, at most kProducerBatchesToRetain.
  bool operator==(const ProducerEntry&) const = default;
};

enum class SequenceCheck {
  kAccept,
  kDuplicate,             // Same epoch and same sequence range as a retained batch.
  kInvalidProducerEpoch,  // Epoch below the producer's current epoch.
  kOutOfOrderSequence,    // Sequence gap, or a new epoch not starting at 0.
};

struct SequenceVerdict {
  SequenceCheck check = SequenceCheck::kAccept;
  ProducerBatch original;  // The retained batch, when check == kDuplicate.
};

class ProducerStateTable {
 public:
  // Applies the KIP-98 rules to a batch about to be appended:
  //   producer_id < 0 or base_sequence < 0 (e.g. control batches): accept;
  //   unknown producer: accept any sequence;
  //   epoch below the current one: kInvalidProducerEpoch;
  //   higher epoch: accept if base_sequence == 0, else kOutOfOrderSequence;
  //   same epoch: kDuplicate if first and last sequence equal a retained batch's, else
  //   accept if base_sequence follows the last retained batch (or none is retained),
  //   else kOutOfOrderSequence.
  SequenceVerdict Check(const kafka::BatchHeader& header) const;

  // Records a batch that is in the log at header.base_offset. A higher epoch resets the
  // retained batches. Batches must be recorded in offset order; one at or below the
  // producer's last recorded offset, or with a lower epoch, is ignored.
  void Record(const kafka::BatchHeader& header);

  void Clear() { producers_.clear(); }
  size_t size() const { return producers_.size(); }
  const std::map<int64_t, ProducerEntry>& producers() const { return producers_; }

  // Appends a self-delimiting binary form to `out`.
  void EncodeTo(std::string* out) const;
  // Parses what EncodeTo wrote at the start of `bytes`; sets *consumed to its length.
  // kDataLoss on malformed input.
  static absl::StatusOr<ProducerStateTable> Decode(std::string_view bytes, size_t* consumed);

  bool operator==(const ProducerStateTable&) const = default;

 private:
  std::map<int64_t, ProducerEntry> producers_;
};

}  // namespace sluice::log
