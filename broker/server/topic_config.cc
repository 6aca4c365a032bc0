#include "broker/server/topic_config.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"

namespace sluice::server {
namespace {

constexpr const char* kLongMax = "9223372036854775807";

std::vector<TopicConfigDef> MakeDefs() {
  using T = ConfigType;
  std::vector<TopicConfigDef> defs = {
      {"cleanup.policy",
       T::kList,
       "delete",
       "delete and/or compact old segments",
       {"delete", "compact"},
       {}},
      {"compression.type",
       T::kString,
       "producer",
       "codec of stored batches",
       {"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"},
       {}},
      {"compression.gzip.level", T::kInt, "-1", "gzip level when the broker compresses", {}, -1},
      {"compression.lz4.level", T::kInt, "9", "lz4 level when the broker compresses", {}, 1},
      {"compression.zstd.level",
       T::kInt,
       "3",
       "zstd level when the broker compresses",
       {},
       -131072},
      {"delete.retention.ms", T::kLong, "86400000", "how long tombstones are kept", {}, 0},
      {"file.delete.delay.ms", T::kLong, "60000", "delay before deleting a file", {}, 0},
      {"flush.messages", T::kLong, kLongMax, "fsync after this many records", {}, 1},
      {"flush.ms", T::kLong, kLongMax, "fsync after this much time", {}, 0},
      {"index.interval.bytes", T::kInt, "4096", "bytes between offset index entries", {}, 0},
      {"max.compaction.lag.ms", T::kLong, kLongMax, "longest a record stays uncompacted", {}, 1},
      {"max.message.bytes", T::kInt, "1048588", "largest record batch accepted", {}, 0},
      {"message.timestamp.after.max.ms",
       T::kLong,
       "3600000",
       "how far in the future a record timestamp may be",
       {},
       0},
      {"message.timestamp.before.max.ms",
       T::kLong,
       kLongMax,
       "how far in the past a record timestamp may be",
       {},
       0},
      {"message.timestamp.type",
       T::kString,
       "CreateTime",
       "CreateTime or LogAppendTime",
       {"CreateTime", "LogAppendTime"},
       {}},
      {"min.cleanable.dirty.ratio",
       T::kDouble,
       "0.5",
       "dirty share that triggers compaction",
       {},
       {}},
      {"min.compaction.lag.ms", T::kLong, "0", "shortest a record stays uncompacted", {}, 0},
      {"min.insync.replicas", T::kInt, "1", "replicas that must have a record for acks=all", {}, 1},
      {"preallocate", T::kBoolean, "false", "preallocate segment files", {}, {}},
      {"retention.bytes", T::kLong, "-1", "largest size of a partition before deletion", {}, -1},
      {"retention.ms", T::kLong, "604800000", "oldest a segment gets before deletion", {}, -1},
      {"segment.bytes", T::kInt, "1073741824", "segment size that triggers a roll", {}, 14},
      {"segment.index.bytes", T::kInt, "10485760", "largest offset index per segment", {}, 4},
      {"segment.jitter.ms", T::kLong, "0", "random jitter subtracted from segment.ms", {}, 0},
      {"segment.ms", T::kLong, "604800000", "segment age that triggers a roll", {}, 1},
      {"unclean.leader.election.enable",
       T::kBoolean,
       "false",
       "allow an out-of-sync replica to lead",
       {},
       {}},
  };
  std::sort(defs.begin(), defs.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return defs;
}

absl::Status Invalid(const std::string& name, const std::string& value, const std::string& why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid value '", value, "' for config ", name, ": ", why));
}

template <typename T>
bool ParseNumber(const std::string& value, T* out) {
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), *out);
  return !value.empty() && ec == std::errc() && ptr == value.data() + value.size();
}

}  // namespace

const std::vector<TopicConfigDef>& TopicConfigDefs() {
  static const std::vector<TopicConfigDef> defs = MakeDefs();
  return defs;
}

const TopicConfigDef* FindTopicConfig(const std::string& name) {
  const auto& defs = TopicConfigDefs();
  auto it =
      std::lower_bound(defs.begin(), defs.end(), name,
                       [](const TopicConfigDef& d, const std::string& n) { return d.name < n; });
  return it != defs.end() && it->name == name ? &*it : nullptr;
}

absl::Status ValidateTopicConfig(const std::string& name, const std::string& value) {
  const TopicConfigDef* def = FindTopicConfig(name);
  if (def == nullptr)
    return absl::InvalidArgumentError(absl::StrCat("unknown topic config '", name, "'"));
  switch (def->type) {
    case ConfigType::kBoolean:
      if (value != "true" && value != "false")
        return Invalid(name, value, "expected true or false");
      return absl::OkStatus();
    case ConfigType::kInt:
    case ConfigType::kLong: {
      int64_t v = 0;
      if (!ParseNumber(value, &v)) return Invalid(name, value, "expected an integer");
      if (def->type == ConfigType::kInt &&
          (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())) {
        return Invalid(name, value, "out of the 32-bit range");
      }
      if (def->min && v < *def->min)
        return Invalid(name, value, absl::StrCat("must be at least ", *def->min));
      return absl::OkStatus();
    }
    case ConfigType::kDouble: {
      double v = 0;
      if (!ParseNumber(value, &v)) return Invalid(name, value, "expected a number");
      if (v < 0 || v > 1) return Invalid(name, value, "must be between 0 and 1");
      return absl::OkStatus();
    }
    case ConfigType::kString:
      if (!def->allowed.empty() &&
          std::find(def->allowed.begin(), def->allowed.end(), value) == def->allowed.end()) {
        return Invalid(name, value, "not one of the allowed values");
      }
      return absl::OkStatus();
    case ConfigType::kList:
      for (absl::string_view item : absl::StrSplit(value, ',')) {
        std::string element(item.data(), item.size());
        if (!def->allowed.empty() &&
            std::find(def->allowed.begin(), def->allowed.end(), element) == def->allowed.end()) {
          return Invalid(name, value, absl::StrCat("'", element, "' is not an allowed element"));
        }
      }
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

namespace {

absl::Mutex broker_defaults_mu(absl::kConstInit);
std::map<std::string, std::string>* broker_defaults ABSL_GUARDED_BY(broker_defaults_mu) = nullptr;

}  // namespace

void SetBrokerTopicDefaults(std::map<std::string, std::string> defaults) {
  auto* fresh = new std::map<std::string, std::string>(std::move(defaults));
  absl::MutexLock lock(&broker_defaults_mu);
  delete broker_defaults;
  broker_defaults = fresh;
}

std::string TopicConfigDefault(const std::string& name) {
  {
    absl::ReaderMutexLock lock(&broker_defaults_mu);
    if (broker_defaults != nullptr) {
      if (auto it = broker_defaults->find(name); it != broker_defaults->end()) return it->second;
    }
  }
  const TopicConfigDef* def = FindTopicConfig(name);
  return def ? def->default_value : "";
}

std::string EffectiveTopicConfig(const std::map<std::string, std::string>& topic_configs,
                                 const std::string& name) {
  if (auto it = topic_configs.find(name); it != topic_configs.end()) return it->second;
  return TopicConfigDefault(name);
}

double TopicConfigDouble(const std::map<std::string, std::string>& topic_configs,
                         const std::string& name) {
  double v = 0;
  ParseNumber(EffectiveTopicConfig(topic_configs, name), &v);
  return v;
}

int64_t TopicConfigInt(const std::map<std::string, std::string>& topic_configs,
                       const std::string& name) {
  int64_t v = 0;
  ParseNumber(EffectiveTopicConfig(topic_configs, name), &v);
  return v;
}

}  // namespace sluice::server
