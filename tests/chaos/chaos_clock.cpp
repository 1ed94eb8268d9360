#include "chaos_clock.hpp"

#include <time.h>

namespace lease::chaos {

namespace {

std::int64_t read(clockid_t id) noexcept {
  timespec ts{};
  ::clock_gettime(id, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

std::int64_t boot_ns() noexcept { return read(CLOCK_BOOTTIME); }
std::int64_t real_ns() noexcept { return read(CLOCK_REALTIME); }

}  // namespace lease::chaos
