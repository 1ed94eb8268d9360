#include "lease/wait.hpp"

namespace lease::detail {

bool sleep_unless_stopped(std::chrono::nanoseconds d, const std::stop_token& stop) {
  std::mutex mutex;
  std::condition_variable_any cv;
  std::unique_lock lock(mutex);
  // wait_for with a stop_token returns true when the predicate held, i.e. stop was requested.
  return !cv.wait_for(lock, stop, d, [] { return false; }) && !stop.stop_requested();
}

}  // namespace lease::detail
