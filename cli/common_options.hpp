#pragma once
// The options every command takes (--endpoint-url, --region, --profile, --table, --json, -v) and the
// objects built from them: the Client, the -v logger, the default lessee.

#include <CLI/CLI.hpp>

#include <string>

#include "lease/client.hpp"
#include "lease/logger.hpp"

namespace lease::cli {

/// Values of the common options. Empty connection fields are resolved by the library from the
/// environment and the shared AWS files. Not thread-safe (filled by the parser, then read).
struct CommonOptions {
  std::string endpoint_url;  ///< --endpoint-url
  std::string region;        ///< --region
  std::string profile;       ///< --profile
  std::string table;         ///< --table (or LEASE_TABLE)
  bool json = false;         ///< --json: machine output on stdout
  bool verbose = false;      ///< -v: diagnostics on stderr
};

/// Adds the common options to `app` (the root and every command, bound to the same values, so they
/// may come before or after the command name).
void add_common_options(CLI::App& app, CommonOptions& options);

/// The table (--table, else LEASE_TABLE; stored back into `options`), or a UsageError saying it is required.
const std::string& require_table(CommonOptions& options);

/// A stderr logger when -v was given (thread-safe: one write per line), else an empty one.
[[nodiscard]] Logger make_logger(const CommonOptions& options);

/// A Client for the options (throws lease::ConfigurationError when something cannot be resolved).
/// With -v, says on stderr which endpoint, region and credential source it uses (never a secret).
[[nodiscard]] Client make_client(const CommonOptions& options);

/// "<hostname>:<pid>", the default --lessee.
[[nodiscard]] std::string default_lessee();

}  // namespace lease::cli
