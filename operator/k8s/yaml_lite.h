// File: operator/k8s/yaml_lite.h
// Reads the block-YAML subset that kubeconfig files use into JSON: nested mappings,
// sequences ("- "), plain and quoted scalars, `{}`/`[]`, true/false/null, # comments.
// Anything else (anchors, multi-line scalars, flow collections with content, tags) is
// InvalidArgument. A document starting with '{' is parsed as JSON. Scalars other than
// true/false/null stay strings. No YAML library is available on the build machines.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace sluice::k8s {

absl::StatusOr<nlohmann::json> ParseYamlLite(const std::string& text);

}  // namespace sluice::k8s
