#pragma once
// What the example programs share (not part of the library): reading "--name value" options,
// printing whole lines from many threads, creating the example's table on its first run, and
// reporting errors from main. Thread-safe: say() may be called from any thread.

#include <cstdio>
#include <exception>
#include <lease/client.hpp>
#include <lease/error.hpp>
#include <lease/pool.hpp>
#include <mutex>
#include <string>
#include <string_view>

namespace example {

// "--name value" from the command line, else `fallback`.
inline std::string option(int argc, char** argv, std::string_view name, std::string fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (name == argv[i]) return argv[i + 1];
  return fallback;
}

// Held while printing, so lines from different threads never mix.
inline std::mutex print_mutex;

// printf of one or more whole lines, from any thread.
template <class... Args>
void say(const char* format, Args... args) {
  std::lock_guard lock(print_mutex);
  std::printf(format, args...);
  std::fflush(stdout);
}

// Creates the table (hash key "id", with the pool index when asked) unless it exists.
inline void ensure_table(const lease::Client& client, const std::string& table, bool with_index) {
  try {
    (void)lease::describe_table(client, table);
  } catch (const lease::ResourceNotFound&) {
    lease::create_table(client, table, {.hash_key = "id", .with_index = with_index});
    say("created table %s\n", table.c_str());
  }
}

// Runs an example's main body; reports an escaping error on stderr and returns 1 for it.
template <class Body>
int guarded_main(const char* program, Body body) {
  try {
    return body();
  } catch (const lease::Error& e) {  // AWS, network or configuration failure (after retries)
    std::fprintf(stderr, "%s: %s (%s)\n", program, e.what(), e.code().c_str());
  } catch (const std::exception& e) {  // e.g. a bad number in an option
    std::fprintf(stderr, "%s: %s\n", program, e.what());
  }
  return 1;
}

}  // namespace example
