#include "aws/ini.hpp"

#include <fstream>
#include <sstream>
#include <system_error>

#include "lease/error.hpp"

namespace lease::aws {
namespace {

[[nodiscard]] bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

[[nodiscard]] std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

// Cuts an inline comment: '#' or ';' preceded by whitespace.
[[nodiscard]] std::string_view strip_inline_comment(std::string_view text) {
  for (std::size_t i = 1; i < text.size(); ++i) {
    if ((text[i] == '#' || text[i] == ';') && is_blank(text[i - 1])) return text.substr(0, i);
  }
  return text;
}

[[noreturn]] void malformed(std::string_view origin, std::size_t line, std::string_view expected) {
  throw lease::ConfigurationError("malformed line " + std::to_string(line) + " of " + std::string(origin) +
                                  ": expected " + std::string(expected));
}

}  // namespace

const IniSection* IniFile::section(std::string_view name) const {
  const auto it = sections.find(name);
  return it == sections.end() ? nullptr : &it->second;
}

IniFile parse_ini(std::string_view text, std::string_view origin) {
  IniFile file;
  IniSection* current = nullptr;
  std::string parent;  // the last top-level key with an empty value: indented lines below are its children
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    const std::string_view raw = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    ++line_number;

    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;

    if (line.front() == '[') {
      const std::string_view header = trim(strip_inline_comment(line));
      if (header.size() < 2 || header.back() != ']') malformed(origin, line_number, "'[section]'");
      const std::string_view name = trim(header.substr(1, header.size() - 2));
      if (name.empty()) malformed(origin, line_number, "a section name between '[' and ']'");
      current = &file.sections[std::string(name)];
      parent.clear();
      continue;
    }

    const std::size_t separator = line.find_first_of("=:");
    if (separator == std::string_view::npos || separator == 0) malformed(origin, line_number, "'key = value'");
    if (current == nullptr) malformed(origin, line_number, "a '[section]' before the first property");
    const std::string key(trim(line.substr(0, separator)));
    const std::string value(trim(strip_inline_comment(line.substr(separator + 1))));
    const bool indented = is_blank(raw.front());
    if (indented && !parent.empty()) {
      (*current)[parent + "." + key] = value;
    } else {
      parent = value.empty() ? key : std::string();
      (*current)[key] = value;
    }
  }
  return file;
}

std::optional<IniFile> load_ini(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory) {
      throw lease::ConfigurationError("cannot access " + path.string() + ": " + ec.message());
    }
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (std::filesystem::is_directory(path, ec) || !in) {
    throw lease::ConfigurationError("cannot read " + path.string());
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw lease::ConfigurationError("cannot read " + path.string());
  return parse_ini(text.str(), path.string());
}

}  // namespace lease::aws
