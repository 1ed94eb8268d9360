#pragma once
// Helpers shared by the libFuzzer targets: run a call of the library's API and accept only its typed
// errors (lease::Error and subclasses); anything else that escapes is reported and stops the run.
// Stateless: safe from any thread (libFuzzer calls the targets from one thread).

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

#include "lease/error.hpp"

namespace lease::fuzz {

/// The fuzzer's input as text.
[[nodiscard]] inline std::string_view as_text(const std::uint8_t* data, std::size_t size) noexcept {
  return {reinterpret_cast<const char*>(data), size};
}

/// Stops the run with `what` on stderr: a broken invariant is a finding, as a crash is.
[[noreturn]] inline void fail(const char* what) noexcept {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

/// Runs `call()`. Returns true when it returned, false when it threw a lease::Error. Any other
/// exception is a finding: printed, then the run stops.
template <class Call>
bool typed_errors_only(const char* what, Call&& call) noexcept {
  try {
    call();
    return true;
  } catch (const lease::Error&) {
    return false;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: an untyped exception escaped: %s\n", what, e.what());
  } catch (...) {
    std::fprintf(stderr, "%s: an exception of unknown type escaped\n", what);
  }
  std::abort();
}

/// As typed_errors_only(), and `call()` must throw: returning normally is a finding too.
template <class Call>
void must_throw_typed(const char* what, Call&& call) noexcept {
  if (typed_errors_only(what, call)) {
    std::fprintf(stderr, "%s: returned instead of throwing a lease::Error\n", what);
    std::abort();
  }
}

}  // namespace lease::fuzz
