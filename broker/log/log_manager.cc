#include "broker/log/log_manager.h"

#include <limits>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "broker/log/file.h"
#include "common/log.h"
#include "common/status.h"

namespace sluice::log {
namespace {

constexpr size_t kMaxTopicLength = 249;
constexpr char kDeleteSuffix[] = "-delete";

}  // namespace

bool IsValidTopicName(std::string_view topic) {
  if (topic.empty() || topic.size() > kMaxTopicLength || topic == "." || topic == "..") {
    return false;
  }
  for (char c : topic) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string PartitionDirName(const TopicPartition& tp) {
  return absl::StrCat(tp.topic, "-", tp.partition);
}

std::optional<TopicPartition> ParsePartitionDirName(std::string_view name) {
  size_t dash = name.rfind('-');
  if (dash == std::string_view::npos) return std::nullopt;
  std::string_view topic = name.substr(0, dash);
  std::string_view digits = name.substr(dash + 1);
  if (!IsValidTopicName(topic) || digits.empty() || digits.size() > 10) return std::nullopt;
  if (digits.size() > 1 && digits[0] == '0') return std::nullopt;
  int64_t partition = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    partition = partition * 10 + (c - '0');
  }
  if (partition > std::numeric_limits<int32_t>::max()) return std::nullopt;
  return TopicPartition{std::string(topic), static_cast<int32_t>(partition)};
}

absl::StatusOr<std::unique_ptr<LogManager>> LogManager::Open(const std::string& data_dir,
                                                             const LogConfig& config, Clock clock) {
  SLUICE_RETURN_IF_ERROR(ValidateLogConfig(config));
  if (!clock) clock = SystemClockMs;
  SLUICE_RETURN_IF_ERROR(MakeDirs(data_dir));
  std::unique_ptr<LogManager> manager(new LogManager(data_dir, config, clock));
  SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(data_dir));
  absl::MutexLock lock(&manager->mu_);
  for (const std::string& name : names) {
    const std::string path = absl::StrCat(data_dir, "/", name);
    if (!IsDirectory(path)) continue;
    if (absl::EndsWith(name, kDeleteSuffix)) {
      SLUICE_LOG(kInfo) << "removing " << path << ", left over from a topic deletion";
      SLUICE_RETURN_IF_ERROR(RemoveAll(path));
      continue;
    }
    std::optional<TopicPartition> tp = ParsePartitionDirName(name);
    if (!tp) {
      // E.g. other modules' state kept in the data directory.
      SLUICE_LOG(kInfo) << "ignoring " << path << ": not a <topic>-<partition> directory";
      continue;
    }
    absl::StatusOr<std::unique_ptr<PartitionLog>> log = PartitionLog::Open(path, config, clock);
    if (!log.ok()) {
      SLUICE_LOG(kError) << "partition " << name << " is OFFLINE, its log cannot be opened: "
                         << log.status()
                         << " (the other partitions are served; repair or move " << path
                         << " aside and restart, or delete the topic)";
      manager->offline_.emplace(std::move(*tp), log.status());
      continue;
    }
    manager->logs_.emplace(std::move(*tp), *std::move(log));
  }
  if (!manager->offline_.empty()) {
    SLUICE_LOG(kError) << manager->offline_.size() << " partitions are offline";
  }
  return manager;
}

absl::StatusOr<std::shared_ptr<PartitionLog>> LogManager::GetOrCreate(const std::string& topic,
                                                                      int32_t partition) {
  if (!IsValidTopicName(topic) || partition < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid topic partition '", topic, "'/", partition));
  }
  TopicPartition tp{topic, partition};
  absl::MutexLock lock(&mu_);
  auto it = logs_.find(tp);
  if (it != logs_.end()) return it->second;
  if (auto off = offline_.find(tp); off != offline_.end()) {
    return absl::UnavailableError(absl::StrCat("partition ", PartitionDirName(tp),
                                               " is offline: ", off->second.message()));
  }
  SLUICE_ASSIGN_OR_RETURN(
      std::unique_ptr<PartitionLog> log,
      PartitionLog::Open(absl::StrCat(data_dir_, "/", PartitionDirName(tp)), config_, clock_));
  std::shared_ptr<PartitionLog> shared = std::move(log);
  logs_.emplace(std::move(tp), shared);
  return shared;
}

std::shared_ptr<PartitionLog> LogManager::Get(const std::string& topic, int32_t partition) const {
  absl::MutexLock lock(&mu_);
  auto it = logs_.find(TopicPartition{topic, partition});
  return it == logs_.end() ? nullptr : it->second;
}

absl::Status LogManager::Delete(const std::string& topic) {
  std::vector<std::string> doomed;
  {
    absl::MutexLock lock(&mu_);
    auto doom = [&](const std::string& from) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> absl::Status {
      std::string to = absl::StrCat(from, ".", clock_(), ".", delete_counter_++, kDeleteSuffix);
      SLUICE_RETURN_IF_ERROR(Rename(from, to));
      doomed.push_back(std::move(to));
      return absl::OkStatus();
    };
    auto it = logs_.lower_bound(TopicPartition{topic, 0});
    while (it != logs_.end() && it->first.topic == topic) {
      // Close() makes later calls through other holders fail cleanly.
      it->second->Close().IgnoreError();
      SLUICE_RETURN_IF_ERROR(doom(it->second->dir()));
      it = logs_.erase(it);
    }
    auto off = offline_.lower_bound(TopicPartition{topic, 0});
    while (off != offline_.end() && off->first.topic == topic) {
      SLUICE_RETURN_IF_ERROR(doom(absl::StrCat(data_dir_, "/", PartitionDirName(off->first))));
      off = offline_.erase(off);
    }
    if (doomed.empty()) return absl::NotFoundError(absl::StrCat("no logs for topic ", topic));
    SLUICE_RETURN_IF_ERROR(SyncDir(data_dir_));
  }
  // Outside the lock: removing large directories takes a while.
  absl::Status status;
  for (const std::string& path : doomed) {
    absl::Status removed = RemoveAll(path);
    if (status.ok()) status = removed;
  }
  SLUICE_LOG(kInfo) << "deleted " << doomed.size() << " partitions of topic " << topic;
  return status;
}

std::vector<TopicPartition> LogManager::List() const {
  absl::MutexLock lock(&mu_);
  std::vector<TopicPartition> out;
  for (const auto& [tp, log] : logs_) out.push_back(tp);
  return out;
}

std::map<TopicPartition, absl::Status> LogManager::Offline() const {
  absl::MutexLock lock(&mu_);
  return offline_;
}

std::vector<std::shared_ptr<PartitionLog>> LogManager::Snapshot() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::shared_ptr<PartitionLog>> out;
  for (const auto& [tp, log] : logs_) out.push_back(log);
  return out;
}

absl::Status LogManager::FlushAll() {
  absl::Status status;
  for (const auto& log : Snapshot()) {
    absl::Status flushed = log->Flush();
    if (status.ok()) status = flushed;
  }
  return status;
}

absl::Status LogManager::CloseAll() {
  std::vector<std::shared_ptr<PartitionLog>> logs = Snapshot();
  {
    absl::MutexLock lock(&mu_);
    logs_.clear();
  }
  absl::Status status;
  for (const auto& log : logs) {
    absl::Status closed = log->Close();
    if (status.ok()) status = closed;
  }
  return status;
}

}  // namespace sluice::log
