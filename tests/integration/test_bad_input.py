"""Hostile bytes on the Kafka port: the broker closes or answers, never allocates what a length
prefix claims, never stops serving real clients."""

from __future__ import annotations

import concurrent.futures
import random
import socket
import struct
import time

import pytest

import harness
import kafka_wire as kw

CLOSE_WAIT_S = 15  # how long a connection may stay open after bad input before the test fails
RSS_GROWTH_LIMIT = 200 << 20


def assert_still_serves(broker, tmp_path, topic):
    """The broker is alive, answers ApiVersions, and kcat can produce and consume."""
    assert broker.alive(), f"broker died.\n{broker.describe()}"
    with kw.connect(broker.bootstrap) as s:
        s.sendall(kw.api_versions_request(0, 4242))
        corr, err, keys = kw.parse_api_versions_v0(kw.recv_frame(s))
    assert (corr, err) == (4242, 0) and 18 in keys
    records = [(b"k%d" % i, b"v%d" % i) for i in range(50)]
    harness.kcat_produce(broker.bootstrap, topic, tmp_path, records)
    got = harness.kcat_consume(broker.bootstrap, topic)
    assert [(r.key, r.value) for r in got] == records


def send_then_expect_close(bootstrap: str, data: bytes, half_close: bool = True) -> bool:
    """Sends data, optionally shuts down our write side, and reports whether the broker closed."""
    with kw.connect(bootstrap) as s:
        try:
            s.sendall(data)
            if half_close:
                s.shutdown(socket.SHUT_WR)
        except OSError:  # EPIPE, ECONNRESET, ENOTCONN: the broker has already closed it
            return True
        return kw.closed_by_peer(s, CLOSE_WAIT_S)


@pytest.mark.parametrize("prefix", [-1, -2, -(2**31), -1000])
def test_negative_length_prefix_closes_connection(broker, tmp_path, topic_name, prefix):
    # No half-close: the broker must act on the prefix itself, not on our EOF.
    assert send_then_expect_close(broker.bootstrap, struct.pack(">i", prefix) + b"\x00" * 32,
                                  half_close=False)
    assert_still_serves(broker, tmp_path, topic_name)


def test_huge_length_prefix_is_refused_without_allocating(broker, tmp_path, topic_name):
    assert_still_serves(broker, tmp_path, topic_name)  # warm up allocator and client paths
    baseline = broker.rss_bytes()
    peak = baseline
    header = kw.request_header(0, 9, 1, "x", flexible=True)
    for round_ in range(4):
        socks = []
        try:
            for i in range(64):
                claim = [2**31 - 1, 2**31 - 2, 1 << 30, 700 << 20][i % 4]
                s = kw.connect(broker.bootstrap)
                socks.append(s)
                try:
                    s.sendall(struct.pack(">i", claim) + header + b"\x00" * 100)
                except (BrokenPipeError, ConnectionResetError):
                    pass
            # While all 64 are open, a normal request is still answered.
            with kw.connect(broker.bootstrap) as s:
                s.sendall(kw.api_versions_request(0, 77))
                assert kw.parse_api_versions_v0(kw.recv_frame(s))[:2] == (77, 0)
            peak = max(peak, broker.rss_bytes())
            still_open = [i for i, s in enumerate(socks) if not kw.closed_by_peer(s, CLOSE_WAIT_S)]
            assert not still_open, (f"round {round_}: {len(still_open)} connections that claimed a "
                                    f"huge request were neither answered nor closed")
            peak = max(peak, broker.rss_bytes())
        finally:
            for s in socks:
                s.close()
    growth = peak - baseline
    assert growth < RSS_GROWTH_LIMIT, f"RSS grew by {growth >> 20} MiB (baseline {baseline >> 20} MiB)"
    assert_still_serves(broker, tmp_path, topic_name + "-after")


def malformed_frames() -> list[tuple[str, bytes]]:
    """Complete frames whose contents are broken; each must be answered with its correlation id
    (when one can be read) or make the broker close the connection."""
    return [
        ("empty frame", kw.frame(b"")),
        ("2-byte frame", kw.frame(b"\x00\x12")),
        ("header without correlation id", kw.frame(struct.pack(">hh", 18, 0))),
        ("client id longer than frame", kw.frame(struct.pack(">hhih", 18, 0, 7, 3000) + b"abc")),
        ("flexible header, missing tagged fields",
         kw.frame(struct.pack(">hhih", 18, 3, 7, 1) + b"x")),
        ("ApiVersions v3 body cut short",
         kw.frame(kw.request_header(18, 3, 7, "x", flexible=True) + b"\x40abc")),
        ("Metadata v1 topic array count -5",
         kw.frame(kw.request_header(3, 1, 7, "x", flexible=False) + struct.pack(">i", -5))),
        ("Metadata v1 topic array count 2^31-1",
         kw.frame(kw.request_header(3, 1, 7, "x", flexible=False) + struct.pack(">i", 2**31 - 1))),
        ("Produce v3 with records length 2^31-1",
         kw.frame(kw.request_header(0, 3, 7, "x", flexible=False) + b"\xff\xff" + struct.pack(">hii", 1, 1000, 1)
                  + struct.pack(">h", 1) + b"t" + struct.pack(">iii", 1, 0, 2**31 - 1) + b"\x00" * 61)),
        ("Fetch v4 negative partition count",
         kw.frame(kw.request_header(1, 4, 7, "x", flexible=False)
                  + struct.pack(">iiiib", -1, 100, 1, 1000, 0) + struct.pack(">i", 1)
                  + struct.pack(">h", 1) + b"t" + struct.pack(">i", -7))),
    ]


@pytest.mark.parametrize("name,data", malformed_frames(), ids=[n for n, _ in malformed_frames()])
def test_malformed_frame_is_answered_or_closed(broker, tmp_path, topic_name, name, data):
    with kw.connect(broker.bootstrap) as s:
        s.sendall(data)
        outcome = kw.answer_or_close(s, 7, CLOSE_WAIT_S)
    assert outcome in ("answered", "closed"), f"{name}: {outcome}"
    assert_still_serves(broker, tmp_path, topic_name)


def test_truncated_frame_then_eof_closes_connection(broker, tmp_path, topic_name):
    whole = kw.api_versions_request(3, 9)
    for cut in [1, 3, 4, 6, 10, len(whole) - 1]:
        assert send_then_expect_close(broker.bootstrap, whole[:cut]), f"cut at {cut}"
    assert_still_serves(broker, tmp_path, topic_name)


@pytest.mark.parametrize("api_key,version", [(9999, 0), (32767, 0), (-1, 0), (1000, 3), (67, 0),
                                             (0, 32767), (3, 9999)])
def test_unknown_api_key_or_version_is_answered_or_closed(broker, tmp_path, topic_name, api_key, version):
    req = kw.frame(kw.request_header(api_key, version, 31337, "sluice-it", flexible=False) + b"\x00" * 16)
    with kw.connect(broker.bootstrap) as s:
        s.sendall(req)
        outcome = kw.answer_or_close(s, 31337, CLOSE_WAIT_S)
    assert outcome in ("answered", "closed"), outcome
    assert_still_serves(broker, tmp_path, topic_name)


@pytest.mark.parametrize("version", [5, 127, 32767])
def test_unsupported_api_versions_version_gets_v0_error_35_and_key_list(broker, version):
    with kw.connect(broker.bootstrap) as s:
        s.sendall(kw.api_versions_request(version, 555))
        corr, err, keys = kw.parse_api_versions_v0(kw.recv_frame(s))
        assert corr == 555
        assert err == kw.UNSUPPORTED_VERSION, f"error code {err}"
        assert 18 in keys, f"ApiVersions missing from the key list: {keys}"
        lo, hi = keys[18]
        assert lo == 0 and hi >= 3, f"ApiVersions advertised as {lo}..{hi}"
        # librdkafka retries on the same connection with the advertised maximum.
        s.sendall(kw.api_versions_request(min(hi, 3), 556))
        payload = kw.recv_frame(s)
        assert struct.unpack_from(">ih", payload) == (556, 0)


def garbage_cases(seed: int, n: int) -> list[bytes]:
    rng = random.Random(seed)
    cases = []
    for _ in range(n):
        kind = rng.randrange(4)
        if kind == 0:  # pure noise
            cases.append(rng.randbytes(rng.randrange(1, 4096)))
        elif kind == 1:  # plausible length, noise inside
            body = rng.randbytes(rng.randrange(0, 512))
            cases.append(struct.pack(">i", len(body)) + body)
        elif kind == 2:  # valid header of a random API, noise body
            head = kw.request_header(rng.randrange(0, 80), rng.randrange(0, 20), rng.randrange(2**31),
                                     "g", flexible=rng.random() < 0.5)
            cases.append(kw.frame(head + rng.randbytes(rng.randrange(0, 300))))
        else:  # a good request followed by noise on the same connection
            cases.append(kw.api_versions_request(rng.randrange(0, 4), 1) + rng.randbytes(rng.randrange(1, 600)))
    return cases


def test_garbage_bytes_then_eof_close_connection(broker, tmp_path, topic_name):
    for i, data in enumerate(garbage_cases(seed=1234, n=150)):
        assert send_then_expect_close(broker.bootstrap, data), f"garbage case {i}: still open"
    assert_still_serves(broker, tmp_path, topic_name)


def test_many_concurrent_bad_connections_leave_broker_serving(broker, tmp_path, topic_name):
    bad = [d for _, d in malformed_frames()] + garbage_cases(seed=99, n=60) + [
        struct.pack(">i", -1) + b"xx", struct.pack(">i", 2**31 - 1) + b"yy",
        kw.api_versions_request(127, 3)]
    deadline = time.monotonic() + 90  # bounded in time as well as in count
    open_after = []

    def worker(w: int) -> int:
        rng = random.Random(w)
        done = 0
        for _ in range(25):
            if time.monotonic() > deadline:
                break
            data = rng.choice(bad)
            if not send_then_expect_close(broker.bootstrap, data):
                open_after.append(data[:40])
            done += 1
        return done

    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        total = sum(pool.map(worker, range(32)))

    assert total >= 32, "the load did not run"
    assert not open_after, f"{len(open_after)} connections stayed open after bad input and EOF"
    assert_still_serves(broker, tmp_path, topic_name)
