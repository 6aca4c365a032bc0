// File: broker/metadata/rocksdb_metadata_store.cc
// The only file that includes RocksDB: a KvEngine over one database, one column family per
// Column, reads from snapshots and writes as one synced WriteBatch.
#include "broker/metadata/rocksdb_metadata_store.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "broker/metadata/kv_engine.h"
#include "broker/metadata/kv_metadata_store.h"
#include "broker/metadata/metadata_codec.h"
#include "common/log.h"
#include "common/status.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/options.h"
#include "rocksdb/slice.h"
#include "rocksdb/snapshot.h"
#include "rocksdb/write_batch.h"

namespace sluice::metadata {
namespace {

// Metadata is small; keep each column family's memtable modest.
constexpr size_t kWriteBufferBytes = 4 << 20;

// RocksDB's own diagnostics go to the broker's log instead of a LOG file in the data
// directory: one place to look, and no writes that can fail on a full disk (a failed info-log
// write leaves RocksDB's writer in an error state that aborts the process at Close()).
// Its INFO chatter (option dumps, compaction notes) is logged at debug level.
class BrokerLogger : public rocksdb::Logger {
 public:
  BrokerLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::INFO_LEVEL) {}

  void Logv(const char* format, va_list ap) override {
    Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
  }

  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    LogLevel ours = level >= rocksdb::InfoLogLevel::ERROR_LEVEL  ? LogLevel::kError
                    : level >= rocksdb::InfoLogLevel::WARN_LEVEL ? LogLevel::kWarn
                                                                 : LogLevel::kDebug;
    if (ours < GetLogLevel()) return;
    char buffer[1024];
    int length = std::vsnprintf(buffer, sizeof buffer, format, ap);
    if (length < 0) return;
    LogLine(ours, absl::StrCat("rocksdb: ", buffer));  // Cut at 1 KiB: enough to diagnose.
  }
};

absl::Status FromRocks(const rocksdb::Status& status, const std::string& what) {
  if (status.ok()) return absl::OkStatus();
  std::string message = absl::StrCat("metadata: ", what, ": rocksdb: ", status.ToString());
  if (status.IsCorruption()) return absl::DataLossError(message);
  if (status.IsNoSpace()) return absl::ResourceExhaustedError(message);
  return absl::InternalError(message);
}

// RocksDB reports a held LOCK file as an IOError naming "<dir>/LOCK": "While lock file ..."
// when another process holds it, "lock hold by current process ..." for this one.
bool IsLockError(const rocksdb::Status& status) {
  if (!status.IsIOError()) return false;
  const std::string text = status.ToString();
  return text.find("/LOCK") != std::string::npos ||
         text.find("lock hold by current process") != std::string::npos;
}

class RocksDbReader final : public KvReader {
 public:
  RocksDbReader(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>* columns)
      : db_(db), columns_(columns), snapshot_(db->GetSnapshot()) {
    options_.snapshot = snapshot_;
  }
  ~RocksDbReader() override { db_->ReleaseSnapshot(snapshot_); }

  absl::StatusOr<std::optional<std::string>> Get(Column column, const std::string& key) override {
    std::string value;
    rocksdb::Status status = db_->Get(options_, Handle(column), key, &value);
    if (status.IsNotFound()) return std::optional<std::string>();
    SLUICE_RETURN_IF_ERROR(FromRocks(status, "reading " + codec::DescribeKey(column, key)));
    return std::optional<std::string>(std::move(value));
  }

  absl::StatusOr<KvPairs> Scan(Column column, const std::string& prefix) override {
    KvPairs pairs;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options_, Handle(column)));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      pairs.emplace_back(it->key().ToString(), it->value().ToString());
    }
    SLUICE_RETURN_IF_ERROR(
        FromRocks(it->status(), absl::StrCat("scanning column '", ColumnName(column), "'")));
    return pairs;
  }

 private:
  rocksdb::ColumnFamilyHandle* Handle(Column column) const {
    return (*columns_)[static_cast<size_t>(column)];
  }

  rocksdb::DB* db_;
  const std::vector<rocksdb::ColumnFamilyHandle*>* columns_;
  const rocksdb::Snapshot* snapshot_;
  rocksdb::ReadOptions options_;
};

class RocksDbEngine final : public KvEngine {
 public:
  static absl::StatusOr<std::unique_ptr<RocksDbEngine>> Open(const std::string& path) {
    std::error_code error;
    std::filesystem::create_directories(path, error);
    if (error) {
      return absl::InternalError(
          absl::StrCat("metadata: cannot create directory '", path, "': ", error.message()));
    }
    rocksdb::Options options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    options.info_log = std::make_shared<BrokerLogger>();
    rocksdb::ColumnFamilyOptions column_options;
    column_options.write_buffer_size = kWriteBufferBytes;

    // Ours first, in Column order; then any family a newer version may have added, which
    // RocksDB insists be opened too.
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (Column column : kAllColumns) descriptors.emplace_back(ColumnName(column), column_options);
    descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, column_options);
    std::vector<std::string> existing;
    if (rocksdb::DB::ListColumnFamilies(options, path, &existing).ok()) {
      for (const std::string& name : existing) {
        bool known = std::any_of(descriptors.begin(), descriptors.end(),
                                 [&name](const auto& d) { return d.name == name; });
        if (!known) descriptors.emplace_back(name, column_options);
      }
    }

    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    rocksdb::Status status = rocksdb::DB::Open(options, path, descriptors, &handles, &db);
    if (IsLockError(status)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "metadata: directory '", path,
          "' is locked; another broker may be using the data directory (", status.ToString(), ")"));
    }
    SLUICE_RETURN_IF_ERROR(FromRocks(status, absl::StrCat("opening '", path, "'")));
    return std::unique_ptr<RocksDbEngine>(new RocksDbEngine(db, std::move(handles)));
  }

  ~RocksDbEngine() override {
    for (rocksdb::ColumnFamilyHandle* handle : handles_) {
      db_->DestroyColumnFamilyHandle(handle);
    }
    db_->Close();  // Errors here cannot be acted on; every write was already synced.
    delete db_;
  }

  std::unique_ptr<KvReader> NewReader() const override {
    return std::make_unique<RocksDbReader>(db_, &handles_);
  }

  absl::Status Write(const std::vector<KvWrite>& writes) override {
    rocksdb::WriteBatch batch;
    for (const KvWrite& write : writes) {
      rocksdb::ColumnFamilyHandle* handle = handles_[static_cast<size_t>(write.column)];
      rocksdb::Status status = write.value.has_value() ? batch.Put(handle, write.key, *write.value)
                                                       : batch.Delete(handle, write.key);
      SLUICE_RETURN_IF_ERROR(FromRocks(status, "building write batch"));
    }
    rocksdb::WriteOptions options;
    options.sync = true;
    return FromRocks(db_->Write(options, &batch), "writing batch");
  }

 private:
  RocksDbEngine(rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*> handles)
      : db_(db), handles_(std::move(handles)) {}

  rocksdb::DB* const db_;
  // Indexed by Column; entries past the last Column are families we do not use.
  const std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<MetadataStore>> OpenRocksDbMetadataStore(const std::string& path) {
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<RocksDbEngine> engine, RocksDbEngine::Open(path));
  return NewKvMetadataStore(std::move(engine));
}

}  // namespace sluice::metadata
