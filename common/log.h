// File: common/log.h
// Minimal structured logging to stderr: one line per message, with a UTC timestamp and level.
// Thread-safe: each line is written with a single write(2).
#pragma once

#include <atomic>
#include <cstdint>
#include <sstream>
#include <string>

namespace sluice {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Messages below this level are dropped. Defaults to kInfo.
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
// Parses "debug", "info", "warn" or "error"; returns false for anything else.
bool ParseLogLevel(const std::string& text, LogLevel* out);

void LogLine(LogLevel level, const std::string& message);

namespace log_internal {
// Collects one message with operator<< and emits it when destroyed.
class LogMessage {
 public:
  explicit LogMessage(LogLevel level) : level_(level) {}
  ~LogMessage() { LogLine(level_, stream_.str()); }
  std::ostream& stream() { return stream_; }

 private:
  LogLevel level_;
  std::ostringstream stream_;
};

// Lets one message through per interval; counts the ones it holds back. Thread-safe.
class RateLimit {
 public:
  explicit RateLimit(double seconds) : interval_ns_(static_cast<int64_t>(seconds * 1e9)) {}
  // True if a message may be logged now; then *suppressed is how many were held back since
  // the last one.
  bool Allow(int64_t* suppressed);

 private:
  const int64_t interval_ns_;
  std::atomic<int64_t> next_ns_{0};
  std::atomic<int64_t> suppressed_{0};
};

std::string SuppressedNote(int64_t suppressed);
}  // namespace log_internal

}  // namespace sluice

#define SLUICE_LOG(level)                                    \
  if (::sluice::LogLevel::level < ::sluice::GetLogLevel()) { \
  } else                                                     \
    ::sluice::log_internal::LogMessage(::sluice::LogLevel::level).stream()

// Like SLUICE_LOG, but at most one message per `seconds` from this call site (for errors
// that can repeat per request, such as a full disk); the next one says how many were
// dropped. Use as a statement.
#define SLUICE_LOG_EVERY_SECONDS(level, seconds) \
  SLUICE_LOG_EVERY_SECONDS_IMPL(level, seconds, SLUICE_LOG_CONCAT(sluice_rate_limit_, __LINE__))
#define SLUICE_LOG_CONCAT(a, b) SLUICE_LOG_CONCAT_IMPL(a, b)
#define SLUICE_LOG_CONCAT_IMPL(a, b) a##b
#define SLUICE_LOG_EVERY_SECONDS_IMPL(level, seconds, limiter)                                     \
  static ::sluice::log_internal::RateLimit limiter(seconds);                                       \
  if (int64_t sluice_log_dropped = 0;                                                               \
      ::sluice::LogLevel::level < ::sluice::GetLogLevel() || !limiter.Allow(&sluice_log_dropped)) { \
  } else                                                                                           \
    ::sluice::log_internal::LogMessage(::sluice::LogLevel::level).stream()                         \
        << ::sluice::log_internal::SuppressedNote(sluice_log_dropped)
