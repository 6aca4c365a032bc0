// File: broker/server/connection.h
// One client connection: reads size-prefixed Kafka frames, parses request headers,
// dispatches requests, and writes responses strictly in request order.
//
// Requests are pipelined: the connection keeps reading while earlier requests wait
// (a long-polling Fetch, say), up to `max_inflight` unanswered requests; then it stops
// reading until responses drain. A frame's size is checked against `max_request_bytes`
// before anything is allocated, and the buffer grows only as bytes actually arrive, so a
// peer claiming a huge size costs nothing until it sends the bytes.
//
// Lifetime: owned by shared_ptr; callbacks keep it alive until the socket closes.
// Thread-safety: all state is touched only on the connection's strand.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "broker/server/dispatcher.h"
#include "common/asio.h"

namespace sluice::server {

struct ConnectionLimits {
  int32_t max_request_bytes = 100 * 1024 * 1024;
  int32_t max_inflight = 100;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::ip::tcp::socket socket, uint64_t id, Dispatcher& dispatcher,
             ServerProbe* probe, ConnectionLimits limits);
  ~Connection();

  void Start();
  uint64_t id() const { return id_; }
  // Closes the socket; safe from any thread.
  void Close();

 private:
  struct Slot {
    bool ready = false;
    Response response;
    int32_t correlation_id = 0;
    int16_t response_header_version = 0;
  };

  void ReadSize();
  void ReadBody(size_t size);
  void OnFrame();
  void Complete(uint64_t seq, Response response);
  void WriteReady();
  void CloseNow();

  boost::asio::ip::tcp::socket socket_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  uint64_t id_;
  std::string peer_;
  Dispatcher& dispatcher_;
  ServerProbe* probe_;
  ConnectionLimits limits_;

  char size_buf_[4];
  std::string frame_;
  bool reading_paused_ = false;
  bool closed_ = false;

  std::deque<Slot> slots_;  // unanswered requests, oldest first
  uint64_t first_seq_ = 0;  // sequence number of slots_.front()
  uint64_t next_seq_ = 0;
  bool writing_ = false;
  std::string write_header_;
  std::string write_body_;
};

}  // namespace sluice::server
