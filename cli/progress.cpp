#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace lease::cli {

bool is_terminal(int fd) noexcept { return ::isatty(fd) == 1; }

Progress::Progress() : enabled_(is_terminal(STDERR_FILENO)) {}

Progress::~Progress() { finish(); }

void Progress::update(const std::string& text) {
  if (!enabled_) return;
  std::string line = "\r" + text;
  if (text.size() < width_) line += std::string(width_ - text.size(), ' ');  // erase a longer previous line
  width_ = text.size();
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  shown_ = true;
}

void Progress::finish() {
  if (!shown_) return;
  std::fputs("\n", stderr);
  std::fflush(stderr);
  shown_ = false;
  width_ = 0;
}

}  // namespace lease::cli
