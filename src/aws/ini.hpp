#pragma once
// A small reader for the INI dialect of the AWS shared files (~/.aws/config, ~/.aws/credentials).
// Internal header.
//
// Dialect: `[section]` headers, `key = value` (or `key: value`) properties, whole-line comments
// starting with '#' or ';', inline comments only after whitespace (so '#' inside a value survives),
// indented lines below a property with an empty value are its sub-properties ("parent.child").
// Repeated sections are merged, later keys win. Error messages name the file and line, never the
// line's text (it may hold a secret).
//
// Thread-safety: IniFile is an immutable value after parsing; the functions are reentrant.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace lease::aws {

/// The properties of one section, by key.
using IniSection = std::map<std::string, std::string, std::less<>>;

/// A parsed INI file: sections by name (as written between the brackets, trimmed).
struct IniFile {
  std::map<std::string, IniSection, std::less<>> sections;

  /// The section of that name, or nullptr.
  [[nodiscard]] const IniSection* section(std::string_view name) const;
};

/// Parses `text`; `origin` (a path) is used in error messages. Throws lease::ConfigurationError on a
/// malformed line.
[[nodiscard]] IniFile parse_ini(std::string_view text, std::string_view origin);

/// Reads and parses the file at `path`; std::nullopt when there is no such file. Throws
/// lease::ConfigurationError when it exists but cannot be read, or is malformed.
[[nodiscard]] std::optional<IniFile> load_ini(const std::filesystem::path& path);

}  // namespace lease::aws
