// sluice-loadgen: load generator for Kafka-compatible brokers (see bench/README.md).
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "bench/loadgen/options.h"
#include "bench/loadgen/run.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      std::fputs(sluice::bench::UsageText().c_str(), stdout);
      return 0;
    }
  }
  absl::StatusOr<sluice::bench::Options> options = sluice::bench::ParseOptions(args);
  if (!options.ok()) {
    std::fprintf(stderr, "sluice-loadgen: %s\n%s", std::string(options.status().message()).c_str(),
                 sluice::bench::UsageText().c_str());
    return 2;
  }
  absl::StatusOr<nlohmann::json> result = sluice::bench::RunLoad(*options);
  if (!result.ok()) {
    std::fprintf(stderr, "sluice-loadgen: %s\n", result.status().ToString().c_str());
    return 1;
  }
  const nlohmann::json& r = *result;
  if (!options->json_path.empty()) {
    std::ofstream f(options->json_path);
    f << r.dump(1) << "\n";
    if (!f) {
      std::fprintf(stderr, "sluice-loadgen: cannot write %s\n", options->json_path.c_str());
      return 1;
    }
  }
  if (r.contains("summary")) {
    const auto& p = r["summary"]["produce"];
    const auto& c = r["summary"]["consume"];
    std::printf(
        "produced %llu records, %.1f MB/s (10^6 B/s), %.0f records/s, latency p50 %.0f p99 %.0f "
        "p99.9 %.0f max %.0f us | consumed %llu records, %.1f MB/s, e2e p50 %.0f p99 %.0f p99.9 "
        "%.0f max %.0f us\n",
        p["records"].get<unsigned long long>(), p["mb_per_s"].get<double>(),
        p["records_per_s"].get<double>(), p["latency"]["p50_us"].get<double>(),
        p["latency"]["p99_us"].get<double>(), p["latency"]["p999_us"].get<double>(),
        p["latency"]["max_us"].get<double>(), c["records"].get<unsigned long long>(),
        c["mb_per_s"].get<double>(), c["latency"]["p50_us"].get<double>(),
        c["latency"]["p99_us"].get<double>(), c["latency"]["p999_us"].get<double>(),
        c["latency"]["max_us"].get<double>());
  }
  for (const auto& problem : r["problems"])
    std::printf("problem: %s\n", problem.get<std::string>().c_str());
  return r["problems"].empty() ? 0 : 3;
}
