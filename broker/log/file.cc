#include "broker/log/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace sluice::log {
namespace {

// Short writes to a regular file only happen at a resource limit, where the next call
// fails; a few retries are plenty.
constexpr int kMaxWriteAttempts = 4;

absl::Status ErrorCodeStatus(const std::error_code& ec, std::string_view what) {
  return ErrnoStatus(ec.value(), what);
}

}  // namespace

absl::Status ErrnoStatus(int err, std::string_view what) {
  std::string message = absl::StrCat(std::string(what), ": ", std::strerror(err));
  switch (err) {
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
      return absl::ResourceExhaustedError(message);
    default:
      return absl::InternalError(message);
  }
}

File::~File() {
  if (fd_ >= 0) ::close(fd_);
}

File::File(File&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

File& File::operator=(File&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

absl::StatusOr<File> File::OpenReadWrite(const std::string& path, bool truncate) {
  int flags = O_RDWR | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0);
  int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) return ErrnoStatus(errno, absl::StrCat("open ", path));
  return File(fd, path);
}

absl::StatusOr<File> File::OpenReadOnly(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, absl::StrCat("open ", path));
  return File(fd, path);
}

absl::StatusOr<int64_t> File::Size() const {
  struct stat st;
  if (::fstat(fd_, &st) != 0) return ErrnoStatus(errno, absl::StrCat("fstat ", path_));
  return static_cast<int64_t>(st.st_size);
}

absl::Status File::PRead(int64_t pos, size_t size, char* out) const {
  size_t done = 0;
  // Each iteration either makes progress, hits end of file or fails.
  while (done < size) {
    ssize_t n = ::pread(fd_, out + done, size - done, static_cast<off_t>(pos + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, absl::StrCat("pread ", path_));
    }
    if (n == 0) {
      return absl::DataLossError(absl::StrCat("pread ", path_, ": file ends at ", pos + done,
                                              ", wanted ", size, " bytes at ", pos));
    }
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status File::PWrite(int64_t pos, std::string_view data) const {
  size_t done = 0;
  for (int attempt = 0; done < data.size(); ++attempt) {
    if (attempt >= kMaxWriteAttempts) {
      return absl::InternalError(
          absl::StrCat("pwrite ", path_, ": no progress after ", attempt, " attempts"));
    }
    ssize_t n =
        ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(pos + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, absl::StrCat("pwrite ", path_));
    }
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status File::Truncate(int64_t size) const {
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
    return ErrnoStatus(errno, absl::StrCat("ftruncate ", path_, " to ", size));
  }
  return absl::OkStatus();
}

absl::Status File::DataSync() const {
  if (::fdatasync(fd_) != 0) return ErrnoStatus(errno, absl::StrCat("fdatasync ", path_));
  return absl::OkStatus();
}

absl::Status File::StartWriteOut(int64_t pos, int64_t length) const {
  if (::sync_file_range(fd_, static_cast<off_t>(pos), static_cast<off_t>(length),
                        SYNC_FILE_RANGE_WRITE) != 0) {
    return ErrnoStatus(errno, absl::StrCat("sync_file_range ", path_));
  }
  return absl::OkStatus();
}

absl::StatusOr<File> File::Duplicate() const {
  int fd = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return ErrnoStatus(errno, absl::StrCat("dup ", path_));
  return File(fd, path_);
}

absl::Status File::Close() {
  if (fd_ < 0) return absl::OkStatus();
  int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) return ErrnoStatus(errno, absl::StrCat("close ", path_));
  return absl::OkStatus();
}

absl::Status MakeDirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return ErrorCodeStatus(ec, absl::StrCat("mkdir ", path));
  return absl::OkStatus();
}

absl::Status SyncDir(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, absl::StrCat("open directory ", path));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return ErrnoStatus(err, absl::StrCat("fsync directory ", path));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ListDir(const std::string& path) {
  std::error_code ec;
  std::filesystem::directory_iterator it(path, ec);
  if (ec) return ErrorCodeStatus(ec, absl::StrCat("list ", path));
  std::vector<std::string> names;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) return ErrorCodeStatus(ec, absl::StrCat("list ", path));
    names.push_back(it->path().filename().string());
  }
  if (ec) return ErrorCodeStatus(ec, absl::StrCat("list ", path));
  std::sort(names.begin(), names.end());
  return names;
}

bool IsDirectory(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec);
}

bool PathExists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

absl::Status RemoveFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return ErrnoStatus(errno, absl::StrCat("unlink ", path));
  }
  return absl::OkStatus();
}

absl::Status RemoveAll(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) return ErrorCodeStatus(ec, absl::StrCat("remove ", path));
  return absl::OkStatus();
}

absl::Status Rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return ErrnoStatus(errno, absl::StrCat("rename ", from, " to ", to));
  }
  return absl::OkStatus();
}

absl::Status WriteFileAtomically(const std::string& dir, const std::string& name,
                                 std::string_view data) {
  std::string path = absl::StrCat(dir, "/", name);
  std::string tmp = absl::StrCat(path, ".tmp");
  {
    SLUICE_ASSIGN_OR_RETURN(File file, File::OpenReadWrite(tmp, /*truncate=*/true));
    SLUICE_RETURN_IF_ERROR(file.PWrite(0, data));
    SLUICE_RETURN_IF_ERROR(file.DataSync());
    SLUICE_RETURN_IF_ERROR(file.Close());
  }
  SLUICE_RETURN_IF_ERROR(Rename(tmp, path));
  return SyncDir(dir);
}

absl::StatusOr<std::string> ReadSmallFile(const std::string& path, int64_t max_size) {
  SLUICE_ASSIGN_OR_RETURN(File file, File::OpenReadOnly(path));
  SLUICE_ASSIGN_OR_RETURN(int64_t size, file.Size());
  if (size > max_size) {
    return absl::DataLossError(
        absl::StrCat(path, " has ", size, " bytes, more than the expected ", max_size));
  }
  std::string data(static_cast<size_t>(size), '\0');
  SLUICE_RETURN_IF_ERROR(file.PRead(0, data.size(), data.data()));
  return data;
}

}  // namespace sluice::log
