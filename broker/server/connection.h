// File: broker/server/connection.h
// One client connection: reads size-prefixed Kafka frames, parses request headers,
// dispatches requests, and writes responses strictly in request order.
//
// Reading: one recv takes up to 64 KiB, so a small request's size prefix, its body and any
// requests behind it come in one call; a larger frame is read up to its end, never beyond,
// so that nothing after it has to be moved.
//
// Requests are pipelined: the connection keeps reading while earlier requests wait
// (a long-polling Fetch, say), up to `max_inflight` unanswered requests; then it stops
// reading until responses drain. A frame's size is checked against `max_request_bytes`
// before anything is allocated, and the buffer grows only as bytes actually arrive, so a
// peer claiming a huge size costs nothing until it sends the bytes.
//
// Zero copy: a response with file slices (Response::slices, a Fetch's records) is written
// as its body bytes up to the first slice, then the slice with sendfile(2) straight from
// the file to the socket (waiting for writability on EAGAIN), then the next bytes, and so
// on, under TCP_CORK so that the small pieces do not go out as short segments. The frame
// length is committed before the slices are read, so a file that turns out shorter than
// its slice (truncated underneath) closes the connection with a log line; the client sees
// a cut frame, never wrong bytes. Responses without slices take one async_write.
//
// Lifetime: owned by shared_ptr; callbacks keep it alive until the socket closes.
// Thread-safety: all state is touched only on the connection's strand.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "broker/server/dispatcher.h"
#include "broker/server/frame_buffer.h"
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

  // Dispatches the whole frames already read, then reads more (one recv for as many small
  // frames as have arrived).
  void ReadMore();
  // Dispatches every whole frame in in_ from in_start_; false when the connection closed or
  // reading paused (too many requests in flight), so that no read may start.
  bool DispatchBuffered();
  // Handles one frame; its bytes stay valid only until this returns.
  void OnFrame(std::string_view frame);
  void Complete(uint64_t seq, Response response);
  void WriteReady();
  // The slice path: sends write_body_ (header included) and write_slices_ piece by piece.
  void WritePieces();
  void SendSlice();
  void FinishWrite(bool ok);
  void SetCork(bool on);
  void CloseNow();

  boost::asio::ip::tcp::socket socket_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  uint64_t id_;
  std::string peer_;
  Dispatcher& dispatcher_;
  ServerProbe* probe_;
  ConnectionLimits limits_;

  // Bytes read and not yet dispatched start at in_start_ (size prefix included).
  FrameBuffer in_;
  size_t in_start_ = 0;
  bool reading_paused_ = false;
  bool closed_ = false;

  std::deque<Slot> slots_;  // unanswered requests, oldest first
  uint64_t first_seq_ = 0;  // sequence number of slots_.front()
  uint64_t next_seq_ = 0;
  bool writing_ = false;
  std::string write_header_;
  std::string write_body_;
  // The slice path: slices positioned in write_body_, the next one to send, how much of
  // write_body_ is sent, and how much of the current slice.
  std::vector<kafka::BodySlice> write_slices_;
  size_t slice_index_ = 0;
  size_t body_sent_ = 0;
  int64_t slice_sent_ = 0;
  bool non_blocking_ = false;
};

}  // namespace sluice::server
