#include "common/log.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>

namespace sluice {
namespace {
std::atomic<LogLevel> g_level{LogLevel::kInfo};

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarn:
      return "WARN";
    case LogLevel::kError:
      return "ERROR";
  }
  return "?";
}
}  // namespace

void SetLogLevel(LogLevel level) { g_level.store(level); }
LogLevel GetLogLevel() { return g_level.load(); }

bool ParseLogLevel(const std::string& text, LogLevel* out) {
  if (text == "debug")
    *out = LogLevel::kDebug;
  else if (text == "info")
    *out = LogLevel::kInfo;
  else if (text == "warn")
    *out = LogLevel::kWarn;
  else if (text == "error")
    *out = LogLevel::kError;
  else
    return false;
  return true;
}

void LogLine(LogLevel level, const std::string& message) {
  using std::chrono::system_clock;
  auto now = system_clock::now();
  std::time_t secs = system_clock::to_time_t(now);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
  char prefix[64];
  std::snprintf(prefix, sizeof(prefix), "%s.%03dZ %-5s ", stamp, static_cast<int>(millis),
                LevelName(level));
  std::string line = prefix + message + "\n";
  // One write per line keeps lines from different threads whole.
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace sluice

namespace sluice::log_internal {

bool RateLimit::Allow(int64_t* suppressed) {
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  int64_t next = next_ns_.load();
  if (now < next || !next_ns_.compare_exchange_strong(next, now + interval_ns_)) {
    suppressed_.fetch_add(1);
    return false;
  }
  *suppressed = suppressed_.exchange(0);
  return true;
}

std::string SuppressedNote(int64_t suppressed) {
  return suppressed == 0 ? std::string()
                         : "[" + std::to_string(suppressed) + " similar messages suppressed] ";
}

}  // namespace sluice::log_internal
