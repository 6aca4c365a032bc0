#include "broker/log/index_file.h"

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace sluice::log {

IndexFile::IndexFile(File file, size_t entry_size)
    : path_(file.path()), file_(std::move(file)), entry_size_(entry_size) {}

absl::Status IndexFile::Reopen() {
  if (file_.is_open()) return absl::OkStatus();
  SLUICE_ASSIGN_OR_RETURN(file_, File::OpenReadWrite(path_));
  return absl::OkStatus();
}

absl::StatusOr<std::string> IndexFile::ReadAll(int32_t max_entries) {
  SLUICE_RETURN_IF_ERROR(Reopen());
  SLUICE_ASSIGN_OR_RETURN(int64_t size, file_.Size());
  const auto entry_size = static_cast<int64_t>(entry_size_);
  if (size % entry_size != 0) {
    return absl::DataLossError(
        absl::StrCat(path_, ": size ", size, " is not a multiple of ", entry_size_));
  }
  if (size / entry_size > max_entries) {
    return absl::DataLossError(absl::StrCat(path_, ": more than ", max_entries, " entries"));
  }
  std::string bytes(static_cast<size_t>(size), '\0');
  SLUICE_RETURN_IF_ERROR(file_.PRead(0, bytes.size(), bytes.data()));
  return bytes;
}

absl::Status IndexFile::Replace(std::string_view bytes) {
  SLUICE_RETURN_IF_ERROR(Reopen());
  SLUICE_RETURN_IF_ERROR(file_.Truncate(0));
  return file_.PWrite(0, bytes);
}

absl::Status IndexFile::AppendAt(int64_t end, std::string_view bytes) {
  SLUICE_RETURN_IF_ERROR(Reopen());
  absl::Status written = file_.PWrite(end, bytes);
  if (!written.ok()) file_.Truncate(end).IgnoreError();
  return written;
}

absl::Status IndexFile::Truncate(int64_t size) {
  SLUICE_RETURN_IF_ERROR(Reopen());
  return file_.Truncate(size);
}

absl::Status IndexFile::DataSync() const {
  return file_.is_open() ? file_.DataSync() : absl::OkStatus();
}

}  // namespace sluice::log
