#include "lease/clock.hpp"

#include <time.h>

namespace lease {

std::chrono::system_clock::time_point SystemClock::wall_now() const { return std::chrono::system_clock::now(); }

std::chrono::nanoseconds SystemClock::elapsed_now() const {
#ifdef CLOCK_BOOTTIME
  // Keeps counting while the process is stopped or the machine suspended, so a holder never
  // believes its lease lasted through a pause that the rest of the world saw.
  timespec ts{};
  if (::clock_gettime(CLOCK_BOOTTIME, &ts) == 0) {
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
  }
#endif
  return std::chrono::steady_clock::now().time_since_epoch();
}

std::shared_ptr<const Clock> SystemClock::instance() {
  static const auto clock = std::make_shared<const SystemClock>();
  return clock;
}

}  // namespace lease
