// File: broker/metadata/change_planner.h
// Turns a batch of MetadataChange records into the key-value writes that apply it, after
// validating every change. Pure apart from reads through `current`: no clock, no randomness,
// no writes, so the same batch against the same state always yields the same plan (what a
// replicated metadata log needs).
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "broker/metadata/kv_engine.h"
#include "broker/metadata/metadata_types.h"

namespace sluice::metadata {

// Validates `changes` in order, each against `current` as modified by the changes before it
// in the batch, and returns the net writes (at most one per key). On the first invalid
// change returns its error, with "change <i> (<type>): " prepended, and no plan.
// REQUIRES: `current` is a consistent view and no other plan is applied between this call
// and writing its result (the store holds its write lock across both).
absl::StatusOr<std::vector<KvWrite>> PlanChanges(KvReader& current,
                                                 const std::vector<MetadataChange>& changes);

// Short name of the change's type ("CreateTopic", ...), for messages and logs.
const char* ChangeName(const MetadataChange& change);

}  // namespace sluice::metadata
