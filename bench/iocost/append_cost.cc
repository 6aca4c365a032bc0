// sluice-append-cost: what one GB of log appends costs in CPU on this machine, by the way the
// bytes reach the file. It answers a design question the broker profile raises (the page-cache
// copy of pwrite is the largest cost of a produce): how much would another way of appending
// save? No broker, no network: one thread appends chunks round-robin to `--files` files, as
// produce requests append batches to partitions.
//
//   buffered  pwrite into the page cache (what the broker does)
//   falloc    the same into files preallocated with fallocate (no delayed allocation per page)
//   direct    O_DIRECT pwrite of 4 KiB-aligned chunks (the device reads the buffer itself)
//   mmap      memcpy into a shared mapping of a preallocated file, populated a window ahead
//
// --write-behind BYTES starts writeback (sync_file_range WRITE) of each file every BYTES, as
// the broker's log.write.behind.bytes does; 0 leaves it to the kernel's flusher. Every mode
// ends with fdatasync of each file, inside the measurement, so all modes pay for the same
// bytes reaching the disk.
//
// Figures: wall seconds, this process's CPU (user, system) and the whole machine's busy CPU
// from /proc/stat, which also counts the kernel's flusher and reclaim threads. Bounded by
// --bytes and --max-seconds; the files are deleted at the end.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace {

struct Options {
  std::string mode = "buffered";
  std::string dir = ".";
  long long bytes = 4LL << 30;
  long long chunk = 256 << 10;
  int files = 8;
  long long write_behind = 1 << 20;
  long long prealloc = 0;  // falloc: bytes allocated ahead at a time; 0 = the whole file at once
  bool keep_size = false;  // falloc: FALLOC_FL_KEEP_SIZE (the file's size stays at its data)
  double max_seconds = 60;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "sluice-append-cost: %s: %s\n", what.c_str(), std::strerror(errno));
  std::exit(1);
}

[[noreturn]] void Usage(const char* bad) {
  std::fprintf(stderr,
               "sluice-append-cost: bad argument '%s'\n"
               "usage: sluice-append-cost --mode buffered|falloc|direct|mmap --dir DIR\n"
               "  [--bytes N] [--chunk N] [--files N] [--write-behind N] [--max-seconds S]\n"
               "  [--prealloc N] [--keep-size 0|1]\n",
               bad);
  std::exit(2);
}

Options Parse(int argc, char** argv) {
  Options o;
  long long files = o.files, keep_size = 0;
  const std::map<std::string, long long*> numbers = {
      {"--bytes", &o.bytes},       {"--chunk", &o.chunk},
      {"--files", &files},         {"--write-behind", &o.write_behind},
      {"--prealloc", &o.prealloc}, {"--keep-size", &keep_size}};
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) Usage(argv[i]);
    const char* v = argv[i + 1];
    if (auto it = numbers.find(flag); it != numbers.end()) {
      *it->second = std::atoll(v);
    } else if (flag == "--mode") {
      o.mode = v;
    } else if (flag == "--dir") {
      o.dir = v;
    } else if (flag == "--max-seconds") {
      o.max_seconds = std::atof(v);
    } else {
      Usage(argv[i]);
    }
  }
  if (files <= 0 || files > 10000) Usage("--files");
  o.files = static_cast<int>(files);
  o.keep_size = keep_size != 0;
  const bool known =
      o.mode == "buffered" || o.mode == "falloc" || o.mode == "direct" || o.mode == "mmap";
  if (!known || o.bytes <= 0 || o.chunk <= 0 || o.chunk % 4096 != 0) {
    Usage(o.mode.c_str());
  }
  return o;
}

// Busy and total jiffies of the whole machine (first line of /proc/stat).
std::pair<long long, long long> MachineJiffies() {
  std::ifstream stat("/proc/stat");
  std::string cpu;
  long long user, nice, system, idle, iowait, irq, softirq, steal;
  stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  const long long busy = user + nice + system + irq + softirq;
  return {busy, busy + idle + iowait + steal};
}

double Seconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; }

struct File {
  int fd = -1;
  long long written = 0;
  long long behind = 0;  // written out up to here
  char* map = nullptr;
  long long populated = 0;  // mmap: populated up to here; falloc: allocated up to here
};

constexpr long long kPopulateWindow = 4 << 20;

void Append(const Options& o, File& f, const char* data, long long per_file) {
  if (o.mode == "mmap") {
    if (f.written + o.chunk > f.populated) {
      const long long len = std::min(kPopulateWindow, per_file - f.populated);
      if (madvise(f.map + f.populated, static_cast<size_t>(len), MADV_POPULATE_WRITE) != 0) {
        Die("madvise(MADV_POPULATE_WRITE)");
      }
      f.populated += len;
    }
    std::memcpy(f.map + f.written, data, static_cast<size_t>(o.chunk));
  } else {
    if (o.mode == "falloc" && o.prealloc > 0 && f.written + o.chunk > f.populated) {
      const long long len = std::min(std::max(o.prealloc, o.chunk), per_file - f.populated);
      if (fallocate(f.fd, o.keep_size ? FALLOC_FL_KEEP_SIZE : 0, f.populated, len) != 0) {
        Die("fallocate");
      }
      f.populated += len;
    }
    if (pwrite(f.fd, data, static_cast<size_t>(o.chunk), f.written) != o.chunk) Die("pwrite");
  }
  f.written += o.chunk;
  if (o.write_behind > 0 && o.mode != "direct" && f.written - f.behind >= o.write_behind) {
    if (sync_file_range(f.fd, f.behind, f.written - f.behind, SYNC_FILE_RANGE_WRITE) != 0) {
      Die("sync_file_range");
    }
    f.behind = f.written;
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  const long long per_file = (o.bytes / o.files) / o.chunk * o.chunk;
  void* raw = nullptr;
  if (posix_memalign(&raw, 4096, static_cast<size_t>(o.chunk)) != 0) Die("posix_memalign");
  char* data = static_cast<char*>(raw);
  for (long long i = 0; i < o.chunk; ++i) data[i] = static_cast<char>(i * 131 + 7);

  std::vector<File> files(static_cast<size_t>(o.files));
  std::vector<std::string> paths;
  for (int i = 0; i < o.files; ++i) {
    paths.push_back(o.dir + "/append-cost-" + std::to_string(i) + ".log");
    const int flags = O_RDWR | O_CREAT | O_TRUNC | (o.mode == "direct" ? O_DIRECT : 0);
    File& f = files[static_cast<size_t>(i)];
    f.fd = open(paths.back().c_str(), flags, 0644);
    if (f.fd < 0) Die("open " + paths.back());
    if ((o.mode == "falloc" && o.prealloc == 0) || o.mode == "mmap") {
      const int mode = o.mode == "falloc" && o.keep_size ? FALLOC_FL_KEEP_SIZE : 0;
      if (fallocate(f.fd, mode, 0, per_file) != 0) Die("fallocate");
    }
    if (o.mode == "mmap") {
      void* m =
          mmap(nullptr, static_cast<size_t>(per_file), PROT_READ | PROT_WRITE, MAP_SHARED, f.fd, 0);
      if (m == MAP_FAILED) Die("mmap");
      f.map = static_cast<char*>(m);
    }
  }

  rusage ru0{}, ru1{};
  getrusage(RUSAGE_SELF, &ru0);
  const auto [busy0, total0] = MachineJiffies();
  const auto t0 = std::chrono::steady_clock::now();
  const auto deadline = t0 + std::chrono::duration<double>(o.max_seconds);
  long long total = 0;
  for (long long round = 0; round * o.chunk < per_file; ++round) {
    if (std::chrono::steady_clock::now() > deadline) break;
    for (File& f : files) Append(o, f, data, per_file);
    total += o.chunk * o.files;
  }
  for (File& f : files) {
    if (o.mode == "mmap" && msync(f.map, static_cast<size_t>(f.written), MS_ASYNC) != 0) {
      Die("msync");
    }
    if (fdatasync(f.fd) != 0) Die("fdatasync");
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto [busy1, total1] = MachineJiffies();
  getrusage(RUSAGE_SELF, &ru1);

  const double user = Seconds(ru1.ru_utime) - Seconds(ru0.ru_utime);
  const double sys = Seconds(ru1.ru_stime) - Seconds(ru0.ru_stime);
  const double cpus = static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN));
  const double machine =
      static_cast<double>(busy1 - busy0) / static_cast<double>(total1 - total0) * cpus * wall;
  const double gb = static_cast<double>(total) / 1e9;
  std::printf(
      "{\"mode\":\"%s\",\"prealloc\":%lld,\"keep_size\":%d,\"chunk\":%lld,\"files\":%d,\"write_"
      "behind\":%lld,\"gb\":%.3f,"
      "\"wall_s\":%.3f,\"gb_per_s\":%.3f,\"user_s\":%.3f,\"sys_s\":%.3f,"
      "\"process_cpu_s_per_gb\":%.3f,\"machine_cpu_s_per_gb\":%.3f}\n",
      o.mode.c_str(), o.prealloc, o.keep_size ? 1 : 0, o.chunk, o.files, o.write_behind, gb, wall,
      gb / wall, user, sys, (user + sys) / gb, machine / gb);

  for (size_t i = 0; i < files.size(); ++i) {
    if (files[i].map != nullptr) munmap(files[i].map, static_cast<size_t>(per_file));
    close(files[i].fd);
    unlink(paths[i].c_str());
  }
  free(raw);
  return 0;
}
