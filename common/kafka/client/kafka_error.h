// File: common/kafka/client/kafka_error.h
// Kafka protocol error codes (Apache Kafka's Errors.java numbering) as seen by a client:
// their names, and their conversion to absl::Status.
//
// A status made by KafkaErrorStatus carries the Kafka code as a payload, so a caller can
// branch on the exact Kafka error (KafkaErrorCodeOf) while logging the readable message:
//
//   absl::Status s = KafkaErrorStatus(36, "Topic 'x' already exists.", "create topic x");
//   s.code()             == absl::StatusCode::kAlreadyExists
//   s.message()          == "create topic x: TOPIC_ALREADY_EXISTS (36): Topic 'x' already exists."
//   KafkaErrorCodeOf(s)  == 36
//
// Thread-safe (pure functions over constant tables).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace sluice::kafka::client {

// A few codes the admin client branches on; the full table is in kafka_error.cc.
inline constexpr int16_t kErrorNone = 0;
inline constexpr int16_t kErrorUnknownTopicOrPartition = 3;
inline constexpr int16_t kErrorRequestTimedOut = 7;
inline constexpr int16_t kErrorUnsupportedVersion = 35;
inline constexpr int16_t kErrorTopicAlreadyExists = 36;
inline constexpr int16_t kErrorInvalidPartitions = 37;
inline constexpr int16_t kErrorInvalidReplicationFactor = 38;
inline constexpr int16_t kErrorInvalidConfig = 40;
inline constexpr int16_t kErrorNotController = 41;
inline constexpr int16_t kErrorInvalidRequest = 42;
inline constexpr int16_t kErrorUnknownTopicId = 100;

// "TOPIC_ALREADY_EXISTS" for 36; "UNKNOWN_KAFKA_ERROR" for a code Kafka 4.1 does not define.
absl::string_view KafkaErrorName(int16_t code);

// The canonical status code for a Kafka error, chosen so that callers can act on it
// without knowing Kafka's numbering: kNotFound (unknown topic), kAlreadyExists,
// kInvalidArgument (invalid partitions/replication factor/config/request, policy),
// kUnimplemented (UNSUPPORTED_VERSION), kDeadlineExceeded (REQUEST_TIMED_OUT),
// kUnavailable (retriable: not controller, leader not available, ...),
// kPermissionDenied (authorization), kFailedPrecondition (e.g. reassignment in
// progress), kUnknown otherwise. REQUIRES: code != 0.
absl::StatusCode KafkaErrorStatusCode(int16_t code);

// OK for code 0. Otherwise a status with KafkaErrorStatusCode(code) and the message
// "<context>: <NAME> (<code>)[: <message>]" (context and message are left out when
// empty), carrying `code` as a payload for KafkaErrorCodeOf.
absl::Status KafkaErrorStatus(int16_t code, std::optional<absl::string_view> message,
                              absl::string_view context);

// The Kafka error code carried by a status made by KafkaErrorStatus, else nullopt
// (for OK and for transport errors such as timeouts and unreachable brokers).
std::optional<int16_t> KafkaErrorCodeOf(const absl::Status& status);

}  // namespace sluice::kafka::client
