#include "common/kafka/client/tcp_socket.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"

namespace sluice::kafka::client {
namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

// Milliseconds until `deadline` for poll(2), at least 0 and at most INT_MAX.
int PollTimeoutMs(absl::Time deadline) {
  const absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) return 0;
  const int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(left, absl::Milliseconds(1)));
  return ms > 0x7fffffff ? 0x7fffffff : static_cast<int>(ms);
}

}  // namespace

TcpSocket::~TcpSocket() { Close(); }

TcpSocket::TcpSocket(TcpSocket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

TcpSocket& TcpSocket::operator=(TcpSocket&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

void TcpSocket::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

absl::Status TcpSocket::WaitFor(short events, absl::Time deadline, absl::string_view what) {
  while (true) {
    pollfd pfd{fd_, events, 0};
    const int timeout_ms = PollTimeoutMs(deadline);
    const int rc = ::poll(&pfd, 1, timeout_ms);
    if (rc > 0) return absl::OkStatus();  // readiness or an error; the next call tells
    if (rc == 0) {
      if (absl::Now() >= deadline) {
        return absl::DeadlineExceededError(absl::StrCat("timed out ", what));
      }
      continue;
    }
    if (errno == EINTR) continue;
    return absl::UnavailableError(absl::StrCat("poll failed ", what, ": ", ErrnoText(errno)));
  }
}

absl::StatusOr<TcpSocket> TcpSocket::Connect(const HostPort& address, absl::Time deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  const std::string port = absl::StrCat(address.port);
  const int gai = ::getaddrinfo(address.host.c_str(), port.c_str(), &hints, &raw);
  if (gai != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot resolve ", address.ToString(), ": ", ::gai_strerror(gai)));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(raw, &::freeaddrinfo);
  absl::Status last = absl::UnavailableError(absl::StrCat("no address for ", address.ToString()));
  for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
    const int fd =
        ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last = absl::UnavailableError(absl::StrCat("socket(): ", ErrnoText(errno)));
      continue;
    }
    TcpSocket sock(fd);
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
      last = absl::UnavailableError(
          absl::StrCat("cannot connect to ", address.ToString(), ": ", ErrnoText(errno)));
      continue;
    }
    absl::Status waited =
        sock.WaitFor(POLLOUT, deadline, absl::StrCat("connecting to ", address.ToString()));
    if (!waited.ok()) return waited;  // the deadline is shared by all addresses
    int err = 0;
    socklen_t len = sizeof(err);
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) {
      last = absl::UnavailableError(
          absl::StrCat("cannot connect to ", address.ToString(), ": ", ErrnoText(err)));
      continue;
    }
    return sock;
  }
  return last;
}

absl::Status TcpSocket::SendAll(std::string_view data, absl::Time deadline) {
  size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (absl::Status s = WaitFor(POLLOUT, deadline, "sending"); !s.ok()) return s;
      continue;
    }
    return absl::UnavailableError(absl::StrCat("send failed: ", ErrnoText(errno)));
  }
  return absl::OkStatus();
}

absl::Status TcpSocket::ReceiveExactly(size_t n, std::string& out, absl::Time deadline) {
  // The buffer grows with what arrives, so a peer that claims a large size and sends
  // nothing costs no memory.
  constexpr size_t kChunk = 64 * 1024;
  out.clear();
  size_t got = 0;
  while (got < n) {
    if (out.size() == got) out.resize(std::min(n, got + kChunk));
    const ssize_t r = ::recv(fd_, out.data() + got, out.size() - got, 0);
    if (r > 0) {
      got += static_cast<size_t>(r);
      continue;
    }
    if (r == 0) {
      return absl::UnavailableError(
          absl::StrCat("connection closed by peer after ", got, " of ", n, " expected bytes"));
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (absl::Status s = WaitFor(POLLIN, deadline, "waiting for the response"); !s.ok()) {
        return s;
      }
      continue;
    }
    return absl::UnavailableError(absl::StrCat("receive failed: ", ErrnoText(errno)));
  }
  return absl::OkStatus();
}

}  // namespace sluice::kafka::client
