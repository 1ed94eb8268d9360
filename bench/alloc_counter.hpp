#pragma once
// Counts C++ heap allocations (global operator new) made by this process, for allocation-per-request
// figures. libcurl's and OpenSSL's malloc calls are not counted. Thread-safe (a relaxed atomic).

#include <cstdint>

namespace lease::bench {

/// Allocations through operator new since the process started.
[[nodiscard]] std::uint64_t allocations() noexcept;

}  // namespace lease::bench
