// The connection's zero-copy path over a real loopback socket: responses with file slices
// arrive byte-identical to their materialised form (slices of several MB, so that
// sendfile(2) meets a full socket buffer and waits for writability), in request order with
// ordinary responses, and a file truncated under its slice closes the connection.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "broker/server/connection.h"
#include "broker/server/dispatcher.h"
#include "broker/server/server_probe.h"
#include "common/asio.h"
#include "common/byte_order.h"
#include "prometheus/registry.h"
#include "tests/common/kafka/protocol/materialize.h"

namespace sluice::server {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// A file of `size` patterned bytes, unlinked at once; slices share its descriptor.
struct PatternFile {
  explicit PatternFile(size_t size) : content(size, '\0') {
    for (size_t i = 0; i < size; ++i) content[i] = static_cast<char>((i * 7 + i / 251) % 253);
    std::string name = ::testing::TempDir() + "sendfile_XXXXXX";
    int fd = ::mkstemp(name.data());
    ::unlink(name.c_str());
    EXPECT_EQ(::pwrite(fd, content.data(), size, 0), static_cast<ssize_t>(size));
    holder = std::shared_ptr<int>(new int(fd), [](int* p) {
      ::close(*p);
      delete p;
    });
  }
  FileSlice Slice(int64_t offset, int64_t length) const {
    return {holder, *holder, offset, length};
  }
  std::string content;
  std::shared_ptr<int> holder;
};

// Answers every request on API key 1 with what `make` returns for its correlation id.
class ScriptedHandler : public ApiHandler {
 public:
  explicit ScriptedHandler(std::function<Response(int32_t)> make) : make_(std::move(make)) {}
  int16_t api_key() const override { return 1; }
  int16_t min_version() const override { return 4; }
  int16_t max_version() const override { return 4; }
  void Handle(const RequestContext& ctx, std::string_view, Responder respond) override {
    respond(make_(ctx.correlation_id));
  }

 private:
  std::function<Response(int32_t)> make_;
};

class ConnectionSendfileTest : public ::testing::Test {
 protected:
  void Serve(std::function<Response(int32_t)> make) {
    dispatcher_.Register(std::make_unique<ScriptedHandler>(std::move(make)));
    acceptor_.open(tcp::v4());
    acceptor_.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    acceptor_.listen();
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;
      // A small send buffer: several MB cannot go out in one sendfile call.
      socket.set_option(asio::socket_base::send_buffer_size(64 * 1024));
      connection_ = std::make_shared<Connection>(std::move(socket), 1, dispatcher_, &probe_,
                                                 ConnectionLimits{});
      connection_->Start();
    });
    thread_ = std::thread([this] { io_.run(); });
    client_.open(tcp::v4());
    client_.set_option(asio::socket_base::receive_buffer_size(64 * 1024));
    client_.connect(acceptor_.local_endpoint());
  }

  void TearDown() override {
    if (connection_) connection_->Close();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }

  // Sends a Fetch v4 request header (v1) with `correlation_id` and no body.
  void SendRequest(int32_t correlation_id) {
    std::string frame(4 + 2 + 2 + 4 + 2 + 1, '\0');
    StoreBigEndian<int32_t>(frame.data(), static_cast<int32_t>(frame.size() - 4));
    StoreBigEndian<int16_t>(frame.data() + 4, 1);
    StoreBigEndian<int16_t>(frame.data() + 6, 4);
    StoreBigEndian<int32_t>(frame.data() + 8, correlation_id);
    StoreBigEndian<int16_t>(frame.data() + 12, 1);
    frame[14] = 't';
    asio::write(client_, asio::buffer(frame));
  }

  // Reads one response frame (size prefix removed) or, if the server closes first, what
  // arrived; `complete` says which.
  std::string ReadFrame(bool* complete) {
    char size_buf[4];
    boost::system::error_code ec;
    *complete = false;
    if (asio::read(client_, asio::buffer(size_buf, 4), ec) != 4) return "";
    std::string frame(static_cast<size_t>(LoadBigEndian<int32_t>(size_buf)), '\0');
    size_t n = asio::read(client_, asio::buffer(frame), ec);
    *complete = n == frame.size();
    frame.resize(n);
    return frame;
  }

  double SentBytes() {
    for (const auto& family : registry_.Collect()) {
      if (family.name == "sluice_server_sent_bytes_total") return family.metric[0].counter.value;
    }
    return -1;
  }

  // Declared before io_: handlers still queued in io_ hold the connection, whose
  // destructor uses the probe.
  prometheus::Registry registry_;
  ServerProbe probe_{registry_};
  Dispatcher dispatcher_{nullptr};
  asio::io_context io_;
  tcp::acceptor acceptor_{io_};
  tcp::socket client_{io_};
  std::shared_ptr<Connection> connection_;
  std::thread thread_;
};

std::string CorrelationBytes(int32_t id) {
  std::string s(4, '\0');
  StoreBigEndian<int32_t>(s.data(), id);
  return s;
}

TEST_F(ConnectionSendfileTest, SlicedResponsesArriveByteIdenticalAndInOrder) {
  PatternFile file(12 << 20);
  // Request 1: body pieces around three slices, one of 9 MB; request 2: no slices;
  // request 3: a body that is only a slice.
  auto make = [&file](int32_t id) {
    if (id == 2) return Response::Body("plain response");
    if (id == 3) return Response::Body("", {{0, file.Slice(5, 1000)}});
    return Response::Body("head-mid-mid2-tail", {{4, file.Slice(0, 3)},
                                                 {8, file.Slice(1 << 20, 9 << 20)},
                                                 {8, file.Slice(100, 50)},
                                                 {13, file.Slice((12 << 20) - 10, 10)}});
  };
  Serve(make);
  for (int32_t id = 1; id <= 3; ++id) SendRequest(id);
  // Let the server fill the socket buffers, so that sendfile meets EAGAIN.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  size_t total = 0;
  for (int32_t id = 1; id <= 3; ++id) {
    SCOPED_TRACE(::testing::Message() << "response " << id);
    bool complete = false;
    std::string frame = ReadFrame(&complete);
    ASSERT_TRUE(complete);
    Response expected = make(id);
    std::string want =
        CorrelationBytes(id) + kafka::testing::Materialize(expected.body, expected.slices);
    ASSERT_EQ(frame.size(), want.size());
    EXPECT_TRUE(frame == want);
    total += 4 + frame.size();
  }
  EXPECT_GT(total, size_t{9} << 20);
  // The probe counted every byte, the sendfile ones included (counted before the bytes
  // are read here, so no wait is needed).
  EXPECT_EQ(SentBytes(), static_cast<double>(total));
}

TEST_F(ConnectionSendfileTest, FileTruncatedUnderASliceClosesTheConnection) {
  PatternFile file(4 << 20);
  auto make = [&file](int32_t) { return Response::Body("ab", {{1, file.Slice(0, 4 << 20)}}); };
  Serve(make);
  ASSERT_EQ(::ftruncate(*file.holder, 1 << 20), 0);  // after the read, before the send
  SendRequest(1);
  bool complete = true;
  std::string frame = ReadFrame(&complete);
  EXPECT_FALSE(complete);  // the connection was closed mid-frame
  EXPECT_LT(frame.size(), (4u << 20) + 6);
  // The bytes that did arrive are the right ones.
  ASSERT_GE(frame.size(), 5u);
  EXPECT_EQ(frame.substr(0, 5), CorrelationBytes(1) + "a");
  EXPECT_TRUE(frame.substr(5) == file.content.substr(0, frame.size() - 5));
  // And nothing more comes: the socket is at end of file.
  char c;
  boost::system::error_code ec;
  EXPECT_EQ(asio::read(client_, asio::buffer(&c, 1), ec), 0u);
  EXPECT_EQ(ec, asio::error::eof);
}

}  // namespace
}  // namespace sluice::server
