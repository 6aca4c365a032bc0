// File: common/kafka/client/tcp_socket.h
// A blocking-style TCP stream with deadlines, on plain POSIX sockets. The descriptor is
// non-blocking underneath; every call waits with poll(2) until its deadline, so no call
// blocks longer than asked (except name resolution, see Connect).
//
// Errors: kUnavailable (resolution failed, connection refused/reset, peer closed),
// kDeadlineExceeded (deadline passed). SIGPIPE is never raised (MSG_NOSIGNAL).
//
// Not thread-safe; one owner at a time. Movable, not copyable; closes on destruction.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/kafka/client/host_port.h"

namespace sluice::kafka::client {

class TcpSocket {
 public:
  TcpSocket() = default;
  ~TcpSocket();
  TcpSocket(TcpSocket&& other) noexcept;
  TcpSocket& operator=(TcpSocket&& other) noexcept;
  TcpSocket(const TcpSocket&) = delete;
  TcpSocket& operator=(const TcpSocket&) = delete;

  // Resolves `address` (getaddrinfo, which has no timeout of its own; literal IPs
  // resolve instantly) and connects to the first address that accepts before `deadline`.
  static absl::StatusOr<TcpSocket> Connect(const HostPort& address, absl::Time deadline);

  // Writes all of `data`. REQUIRES: is_open().
  absl::Status SendAll(std::string_view data, absl::Time deadline);
  // Reads exactly `n` bytes into `out` (replacing its contents). A peer that closes
  // first is kUnavailable naming how many bytes arrived. REQUIRES: is_open().
  absl::Status ReceiveExactly(size_t n, std::string& out, absl::Time deadline);

  bool is_open() const { return fd_ >= 0; }
  void Close();

 private:
  explicit TcpSocket(int fd) : fd_(fd) {}
  // Waits until the descriptor is ready for `events` (POLLIN/POLLOUT) or `deadline`.
  absl::Status WaitFor(short events, absl::Time deadline, absl::string_view what);

  int fd_ = -1;
};

}  // namespace sluice::kafka::client
