#include "tests/common/kafka/client/fake_kafka_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/byte_order.h"
#include "common/kafka/protocol/messages/api_keys.h"
#include "common/kafka/protocol/messages/metadata.h"

namespace sluice::kafka::client::testing {
namespace {

// Reads exactly n bytes unless the peer closes or the server stops; false then.
bool ReadExactly(int fd, int stop_fd, size_t n, std::string& out) {
  out.assign(n, '\0');
  size_t got = 0;
  while (got < n) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (fds[1].revents != 0) return false;
    const ssize_t r = ::recv(fd, out.data() + got, n - got, 0);
    if (r <= 0) {
      if (r < 0 && errno == EINTR) continue;
      return false;
    }
    got += static_cast<size_t>(r);
  }
  return true;
}

bool WriteAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return false;
    }
    sent += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

std::string RawFrame(const std::string& payload, std::optional<int32_t> length) {
  std::string out;
  AppendBigEndian<int32_t>(&out, length.value_or(static_cast<int32_t>(payload.size())));
  out += payload;
  return out;
}

ApiVersionsResponse AllGeneratedApis() {
  ApiVersionsResponse response;
  for (const ApiSpec& api : GeneratedApis()) {
    ApiVersionsResponse::ApiVersion v;
    v.api_key = api.key;
    v.min_version = api.min_version;
    v.max_version = api.max_version;
    response.api_keys.push_back(v);
  }
  return response;
}

FakeKafkaServer::FakeKafkaServer(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listen_fd_, 16) != 0) {
    ADD_FAILURE() << "fake server cannot listen: " << std::strerror(errno);
  }
  socklen_t len = sizeof(addr);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
  accept_thread_ = std::thread([this] { AcceptLoop(); });
}

FakeKafkaServer::~FakeKafkaServer() {
  const uint64_t one = 1;
  (void)!::write(stop_fd_, &one, sizeof(one));
  accept_thread_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    threads.swap(connection_threads_);
  }
  for (auto& t : threads) t.join();
  ::close(listen_fd_);
  ::close(stop_fd_);
}

void FakeKafkaServer::AcceptLoop() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    const int connection = ++connections_;
    std::lock_guard<std::mutex> lock(mu_);
    connection_threads_.emplace_back([this, fd, connection] { Serve(fd, connection); });
  }
}

void FakeKafkaServer::Serve(int fd, int connection) {
  std::string buffer;
  while (ReadExactly(fd, stop_fd_, 4, buffer)) {
    const int32_t length = LoadBigEndian<int32_t>(buffer.data());
    if (length < 8 || length > (64 << 20)) break;
    if (!ReadExactly(fd, stop_fd_, static_cast<size_t>(length), buffer)) break;
    Reader reader(buffer);
    ReceivedRequest request;
    request.connection = connection;
    if (!DecodeRequestHeader(reader, request.header).ok()) {
      ADD_FAILURE() << "fake server: undecodable request header";
      break;
    }
    request.body = buffer.substr(reader.position());
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(request);
    }
    std::optional<Reply> reply;
    {
      std::lock_guard<std::mutex> lock(handler_mu_);
      if (handler_) reply = handler_(request);
      if (!reply.has_value()) reply = Default(request);
    }
    if (!reply.has_value() || reply->kind == Reply::Kind::kClose) break;
    if (reply->kind == Reply::Kind::kSilent) continue;
    if (!WriteAll(fd, reply->bytes) || reply->close_after) break;
  }
  ::close(fd);
}

std::optional<Reply> FakeKafkaServer::Default(const ReceivedRequest& request) {
  if (request.api_key() == ApiVersionsRequest::kApiKey) {
    return Reply::Send(ResponseFrame(request, advertised_));
  }
  if (request.api_key() == MetadataRequest::kApiKey) {
    MetadataResponse response;
    MetadataResponse::MetadataResponseBroker broker;
    const HostPort self = advertised_address_.value_or(address());
    broker.node_id = node_id_;
    broker.host = self.host;
    broker.port = self.port;
    response.brokers.push_back(broker);
    response.cluster_id = "fake-cluster";
    response.controller_id = controller_id_;
    return Reply::Send(ResponseFrame(request, response));
  }
  return std::nullopt;
}

std::vector<ReceivedRequest> FakeKafkaServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::vector<ReceivedRequest> FakeKafkaServer::requests(int16_t api_key) const {
  std::vector<ReceivedRequest> out;
  for (auto& r : requests()) {
    if (r.api_key() == api_key) out.push_back(r);
  }
  return out;
}

}  // namespace sluice::kafka::client::testing
