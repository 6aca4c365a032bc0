// File: common/log.h
// Minimal structured logging to stderr: one line per message, with a UTC timestamp and level.
// Thread-safe: each line is written with a single write(2).
#pragma once

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
}  // namespace log_internal

}  // namespace sluice

#define SLUICE_LOG(level)                                    \
  if (::sluice::LogLevel::level < ::sluice::GetLogLevel()) { \
  } else                                                     \
    ::sluice::log_internal::LogMessage(::sluice::LogLevel::level).stream()
