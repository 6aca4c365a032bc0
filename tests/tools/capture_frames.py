#!/usr/bin/env python3
"""Captures Kafka request frames sent by real clients, for golden-bytes test fixtures.

Listens on 127.0.0.1, reads Kafka frames (4-byte big-endian length, then the frame) and
saves each request frame, without its length prefix, as OUT/<api>_v<version>.bin (e.g.
api_versions_v3.bin; a repeat gets a _2, _3... suffix).

Capture mode (default): nothing is answered, so a client sends only its first request
(ApiVersions) and then times out.
Proxy mode (--upstream 127.0.0.1:PORT): every connection is forwarded to a broker and
responses are relayed back, so a whole client session can be captured; with
--save-responses, responses are saved too as <api>_v<version>_response.bin.
With --add-api KEY:MIN:MAX (repeatable) the proxy appends that entry to every ApiVersions
response it relays, unless the broker lists the key already. This is for clients that
gate a feature on an API the broker does not offer (librdkafka 2.0.2 sends lz4 batches
uncompressed unless FindCoordinator v0 is advertised: --add-api 10:0:0). The requests a
client sends are its own either way; only what it believes about the broker changes.

Runs until --max-frames requests were saved, --timeout seconds passed, or SIGTERM/SIGINT
arrives (then it exits 0 if anything was saved). Each file is written whole (to a
temporary name, then renamed), so stopping the capture never leaves a partial frame.
Standard library only. Only loopback addresses are accepted, for listening and upstream.
tests/tools/capture_golden.sh drives this script to re-capture tests/fixtures/protocol/.

Example:
  capture_frames.py --out tests/fixtures/protocol/librdkafka-2.0.2 --port 0 &
  kcat -b 127.0.0.1:<printed port> -L -m 2
"""

import argparse
import ipaddress
import os
import select
import signal
import socket
import struct
import sys
import threading
import time

MAX_FRAME = 16 * 1024 * 1024

API_NAMES = {
    0: "produce", 1: "fetch", 2: "list_offsets", 3: "metadata", 8: "offset_commit",
    9: "offset_fetch", 10: "find_coordinator", 11: "join_group", 12: "heartbeat",
    13: "leave_group", 14: "sync_group", 15: "describe_groups", 16: "list_groups",
    17: "sasl_handshake", 18: "api_versions", 19: "create_topics", 20: "delete_topics",
    21: "delete_records", 22: "init_producer_id", 23: "offset_for_leader_epoch",
    32: "describe_configs", 33: "alter_configs", 36: "sasl_authenticate",
    37: "create_partitions", 42: "delete_groups", 44: "incremental_alter_configs",
    47: "offset_delete", 60: "describe_cluster",
}


def api_name(key):
    return API_NAMES.get(key, f"api{key}")


def recv_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def read_uvarint(data, pos):
    value = shift = 0
    for _ in range(5):
        if pos >= len(data):
            break
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos
    raise ValueError("bad unsigned varint")


def write_uvarint(value):
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def add_api_versions(frame, version, extra):
    """An ApiVersions response frame (header v0 + body at `version`) with the (key, min,
    max) entries of `extra` appended to its api_keys array where the key is absent."""
    flexible = version >= 3
    if struct.unpack(">h", frame[4:6])[0] != 0:
        return frame  # an error response is always v0; leave it alone
    pos = 4 + 2  # correlation id, error code
    if flexible:
        count_plus_one, pos = read_uvarint(frame, pos)
        count = count_plus_one - 1
    else:
        (count,) = struct.unpack(">i", frame[pos:pos + 4])
        pos += 4
    keys = []
    array_start = pos
    for _ in range(max(count, 0)):
        keys.append(struct.unpack(">h", frame[pos:pos + 2])[0])
        pos += 6
        if flexible:
            tags, pos = read_uvarint(frame, pos)
            for _ in range(tags):
                _, pos = read_uvarint(frame, pos)
                size, pos = read_uvarint(frame, pos)
                pos += size
    added = [e for e in extra if e[0] not in keys]
    if not added or count < 0 or pos > len(frame):
        return frame
    entries = b"".join(struct.pack(">hhh", *e) + (b"\x00" if flexible else b"") for e in added)
    new_count = count + len(added)
    head = frame[:6] + (write_uvarint(new_count + 1) if flexible else struct.pack(">i", new_count))
    return head + frame[array_start:pos] + entries + frame[pos:]


def read_frame(sock):
    """One frame without its length prefix, or None at end of stream."""
    head = recv_exact(sock, 4)
    if head is None:
        return None
    (length,) = struct.unpack(">i", head)
    if length < 0 or length > MAX_FRAME:
        raise ValueError(f"frame length {length} out of range")
    return recv_exact(sock, length)


class Capture:
    def __init__(self, out_dir, max_frames, save_responses, add_apis=()):
        self.out_dir = out_dir
        self.add_apis = list(add_apis)
        self.max_frames = max_frames
        self.save_responses = save_responses
        self.saved = 0
        self.lock = threading.Lock()
        self.done = threading.Event()
        os.makedirs(out_dir, exist_ok=True)

    def save(self, stem, data):
        with self.lock:
            if self.done.is_set():
                return
            path = os.path.join(self.out_dir, f"{stem}.bin")
            n = 2
            while os.path.exists(path):
                path = os.path.join(self.out_dir, f"{stem}_{n}.bin")
                n += 1
            tmp = path + ".part"
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
            print(f"saved {path} ({len(data)} bytes)", flush=True)

    def request(self, frame):
        if len(frame) < 8:
            return None
        key, version, correlation = struct.unpack(">hhi", frame[:8])
        self.save(f"{api_name(key)}_v{version}", frame)
        with self.lock:
            self.saved += 1
            if self.saved >= self.max_frames:
                self.done.set()
        return correlation, key, version

    def response(self, frame, pending):
        """Saves the response if asked to; returns the frame to relay to the client."""
        if len(frame) < 4:
            return frame
        (correlation,) = struct.unpack(">i", frame[:4])
        info = pending.pop(correlation, None)
        if info is None:
            return frame
        if self.save_responses:
            self.save(f"{api_name(info[0])}_v{info[1]}_response", frame)
        if info[0] == 18 and self.add_apis:
            try:
                frame = add_api_versions(frame, info[1], self.add_apis)
            except (ValueError, struct.error) as e:
                print(f"ApiVersions response left as is: {e}", file=sys.stderr)
        return frame


def relay_responses(upstream, client, capture, pending):
    try:
        while not capture.done.is_set():
            frame = read_frame(upstream)
            if frame is None:
                break
            frame = capture.response(frame, pending)
            client.sendall(struct.pack(">i", len(frame)) + frame)
    except (OSError, ValueError):
        pass
    finally:
        client.close()


def serve_client(client, capture, upstream_addr):
    upstream = None
    pending = {}
    try:
        client.settimeout(30.0)  # bounds a stalled half-sent frame
        if upstream_addr:
            upstream = socket.create_connection(upstream_addr, timeout=5)
            upstream.settimeout(None)  # idle clients are fine; closing `client` ends it
            threading.Thread(target=relay_responses, args=(upstream, client, capture, pending),
                             daemon=True).start()
        while not capture.done.is_set():
            # Wait for a frame to start, so that checking `done` never splits one.
            if not select.select([client], [], [], 0.5)[0]:
                continue
            frame = read_frame(client)
            if frame is None:
                break
            info = capture.request(frame)
            if upstream is not None:
                if info is not None:
                    pending[info[0]] = info[1:]
                upstream.sendall(struct.pack(">i", len(frame)) + frame)
    except (OSError, ValueError) as e:
        print(f"connection ended: {e}", file=sys.stderr)
    finally:
        client.close()
        if upstream is not None:
            upstream.close()


def loopback_address(text):
    host, _, port = text.rpartition(":")
    if not ipaddress.ip_address(host).is_loopback:
        raise argparse.ArgumentTypeError(f"{host} is not a loopback address")
    return host, int(port)


def api_range(text):
    parts = text.split(":")
    if len(parts) != 3:
        raise argparse.ArgumentTypeError(f"{text}: expected KEY:MIN:MAX")
    return tuple(int(x) for x in parts)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="directory for the .bin files")
    p.add_argument("--port", type=int, default=0, help="listen port on 127.0.0.1 (0: any)")
    p.add_argument("--upstream", type=loopback_address, help="proxy to this 127.x broker")
    p.add_argument("--save-responses", action="store_true", help="proxy mode: save responses")
    p.add_argument("--add-api", type=api_range, action="append", default=[],
                   metavar="KEY:MIN:MAX", help="proxy mode: add to ApiVersions responses")
    p.add_argument("--max-frames", type=int, default=1, help="stop after this many requests")
    p.add_argument("--timeout", type=float, default=30.0, help="stop after this many seconds")
    args = p.parse_args()

    capture = Capture(args.out, args.max_frames, args.save_responses, args.add_api)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: capture.done.set())
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", args.port))
    server.listen(16)
    server.settimeout(0.2)
    print(f"listening on 127.0.0.1:{server.getsockname()[1]}", flush=True)
    deadline = time.monotonic() + args.timeout
    while not capture.done.is_set() and time.monotonic() < deadline:
        try:
            client, _ = server.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve_client, args=(client, capture, args.upstream),
                         daemon=True).start()
    capture.done.set()
    server.close()
    print(f"captured {capture.saved} request(s)", flush=True)
    return 0 if capture.saved > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
