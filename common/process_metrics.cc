#include "common/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/metric_family.h"

namespace sluice {
namespace {

int64_t FromRlim(rlim_t value) {
  if (value == RLIM_INFINITY || value > static_cast<rlim_t>(std::numeric_limits<int64_t>::max())) {
    return std::numeric_limits<int64_t>::max();
  }
  return static_cast<int64_t>(value);
}

struct Stat {
  double cpu_seconds = 0;
  double start_seconds = 0;  // since boot
  double vsize_bytes = 0;
  double rss_bytes = 0;
};

// /proc/self/stat: fields after the parenthesised command name, which may hold spaces.
bool ReadStat(Stat* out) {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream fields(line.substr(close + 2));
  // f[0] is field 3 (state); utime, stime, starttime, vsize and rss are fields 14, 15, 22-24.
  std::vector<double> f;
  for (std::string s; fields >> s && f.size() < 22;) {
    double value = 0;
    f.push_back(absl::SimpleAtod(s, &value) ? value : 0);  // field 3 is a letter
  }
  if (f.size() < 22) return false;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  out->cpu_seconds = (f[11] + f[12]) / ticks;
  out->start_seconds = f[19] / ticks;
  out->vsize_bytes = f[20];
  out->rss_bytes = f[21] * page;
  return true;
}

bool BootTimeSeconds(double* out) {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") return static_cast<bool>(in >> *out);
    in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return false;
}

}  // namespace

absl::StatusOr<int64_t> CountOpenFiles() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) {
    return absl::InternalError(absl::StrCat("opendir /proc/self/fd: ", std::strerror(errno)));
  }
  int64_t count = 0;
  while (dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  ::closedir(dir);
  return count - 1;  // the descriptor of the listing itself
}

int64_t OpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  return FromRlim(limit.rlim_cur);
}

int64_t RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);  // on failure the old limit stays; it is reported
  }
  return OpenFileLimit();
}

absl::Status CheckOpenFileHeadroom(int64_t more, int64_t reserve) {
  absl::StatusOr<int64_t> open = CountOpenFiles();
  if (!open.ok()) return absl::OkStatus();  // cannot tell: let the open itself fail
  const int64_t limit = OpenFileLimit();
  reserve = std::min(reserve, limit / 10);
  if (*open + more + reserve <= limit) return absl::OkStatus();
  return absl::ResourceExhaustedError(absl::StrCat(
      "this needs ", more, " more open files, and the broker has ", *open, " open of a limit of ",
      limit, " (keeping ", reserve,
      " for connections); raise the open-files limit (ulimit -n, "
      "LimitNOFILE in systemd, nofile of the container runtime) and restart the broker"));
}

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  std::vector<prometheus::MetricFamily> families;
  if (absl::StatusOr<int64_t> open = CountOpenFiles(); open.ok()) {
    families.push_back(GaugeFamily("process_open_fds", "Number of open file descriptors.",
                                   static_cast<double>(*open)));
  }
  families.push_back(GaugeFamily("process_max_fds", "Maximum number of open file descriptors.",
                                 static_cast<double>(OpenFileLimit())));
  Stat stat;
  if (ReadStat(&stat)) {
    families.push_back(GaugeFamily("process_resident_memory_bytes",
                                   "Resident memory size in bytes.", stat.rss_bytes));
    families.push_back(GaugeFamily("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                                   stat.vsize_bytes));
    families.push_back(CounterFamily("process_cpu_seconds_total",
                                     "Total user and system CPU time spent in seconds.",
                                     stat.cpu_seconds));
    if (double boot = 0; BootTimeSeconds(&boot)) {
      families.push_back(GaugeFamily("process_start_time_seconds",
                                     "Start time of the process since unix epoch in seconds.",
                                     boot + stat.start_seconds));
    }
  }
  return families;
}

}  // namespace sluice
