#include "common_options.hpp"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>

#include "exit_codes.hpp"

namespace lease::cli {

void add_common_options(CLI::App& app, CommonOptions& options) {
  const char* group = "Common options";
  app.add_option("--endpoint-url", options.endpoint_url,
                 "DynamoDB endpoint, e.g. http://127.0.0.1:8000 (else AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL, "
                 "the region's endpoint)")
      ->group(group);
  app.add_option("--region", options.region, "AWS region (else AWS_REGION, AWS_DEFAULT_REGION, the profile's)")
      ->group(group);
  app.add_option("--profile", options.profile, "shared config/credentials profile (else AWS_PROFILE, default)")
      ->group(group);
  app.add_option("--table", options.table, "the lease table (else LEASE_TABLE)")->group(group);
  app.add_flag("--json", options.json, "machine-readable output on stdout")->group(group);
  app.add_flag("-v,--verbose", options.verbose, "diagnostics on stderr")->group(group);
}

const std::string& require_table(CommonOptions& options) {
  // Not CLI11's envname: the option exists on the root and on each command, and the command's copy
  // would let the variable override a --table given before the command name.
  if (const char* env = std::getenv("LEASE_TABLE"); options.table.empty() && env != nullptr) options.table = env;
  if (options.table.empty()) throw UsageError("--table is required (or set LEASE_TABLE)");
  return options.table;
}

Logger make_logger(const CommonOptions& options) {
  if (!options.verbose) return {};
  return [](LogLevel level, std::string_view message) {
    std::string line = "lease: " + std::string(to_string(level)) + ": " + std::string(message) + "\n";
    std::fputs(line.c_str(), stderr);  // one call per line: lines from several threads do not mix
  };
}

Client make_client(const CommonOptions& options) {
  ClientOptions client_options;
  client_options.endpoint_url = options.endpoint_url;
  client_options.region = options.region;
  client_options.profile = options.profile;
  client_options.logger = make_logger(options);
  Client client(client_options);
  if (options.verbose) {
    client_options.logger(LogLevel::info, "endpoint " + client.endpoint() + ", region " + client.region() +
                                              ", credentials from " + client.credentials_source());
  }
  return client;
}

std::string default_lessee() {
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0 || host[0] == '\0') return "localhost:" + std::to_string(::getpid());
  return std::string(host.data()) + ":" + std::to_string(::getpid());
}

}  // namespace lease::cli
