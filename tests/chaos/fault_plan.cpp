#include "fault_plan.hpp"

#include <algorithm>

namespace lease::chaos {

std::string_view to_string(FaultKind kind) noexcept {
  switch (kind) {
    case FaultKind::kill:
      return "kill";
    case FaultKind::pause:
      return "pause";
    case FaultKind::latency:
      return "latency";
    case FaultKind::flaky:
      return "flaky";
    case FaultKind::drop:
      return "drop";
    case FaultKind::reset:
      return "reset";
    case FaultKind::blackhole:
      return "blackhole";
    case FaultKind::ddb_pause:
      return "ddb_pause";
    case FaultKind::ddb_restart:
      return "ddb_restart";
  }
  return "?";
}

FaultPlan::FaultPlan(std::uint64_t seed, const RunConfig& config) : config_(config), rng_(seed) {}

int FaultPlan::uniform(int low, int high) { return std::uniform_int_distribution<int>(low, std::max(low, high))(rng_); }

Fault FaultPlan::next() {
  if (deck_.empty()) {
    deck_.assign(kAllFaultKinds.begin(), kAllFaultKinds.end());
    deck_.push_back(FaultKind::kill);
    deck_.push_back(FaultKind::pause);
    std::shuffle(deck_.begin(), deck_.end(), rng_);
  }
  Fault fault;
  fault.kind = deck_.back();
  deck_.pop_back();
  fault.gap = std::chrono::milliseconds(uniform(300, 1'500));
  const int lease = config_.lease_max_ms;
  auto length = [&](int low, int high) { fault.length = std::chrono::milliseconds(uniform(low, high)); };
  switch (fault.kind) {
    case FaultKind::kill:
      fault.victim = static_cast<std::size_t>(uniform(0, config_.workers - 1));
      break;
    case FaultKind::pause:  // always longer than any lease: the classic paused holder
      fault.victim = static_cast<std::size_t>(uniform(0, config_.workers - 1));
      length(lease + 200, lease + 1'200);
      break;
    case FaultKind::latency:
      fault.latency_ms = uniform(50, 400);
      fault.jitter_ms = uniform(0, 200);
      length(2'000, 4'000);
      break;
    case FaultKind::flaky:
      fault.probability = uniform(5, 30) / 100.0;
      length(2'000, 3'000);
      break;
    case FaultKind::blackhole:  // shorter or longer than a lease
      length(500, 2 * lease);
      break;
    case FaultKind::ddb_pause:
      length(1'000, lease + 1'500);
      break;
    case FaultKind::drop:
    case FaultKind::reset:
    case FaultKind::ddb_restart:
      break;
  }
  return fault;
}

}  // namespace lease::chaos
