#pragma once
// Progress on stderr for long operations, shown only when stderr is a terminal (quiet in pipes).

#include <string>

namespace lease::cli {

/// True when `fd` is a terminal.
[[nodiscard]] bool is_terminal(int fd) noexcept;

/// One status line on stderr, rewritten in place ("\r"); silent unless stderr is a terminal.
/// Not thread-safe: update it from the thread that runs the operation.
class Progress {
 public:
  Progress();
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Replaces the line with `text`.
  void update(const std::string& text);
  /// Ends the line (the destructor does it too).
  void finish();

 private:
  bool enabled_;
  bool shown_ = false;
  std::size_t width_ = 0;
};

}  // namespace lease::cli
