// The `lease` command-line tool: leases and locks in a DynamoDB table, for operators and scripts.
// Exit codes: see exit_codes.hpp and docs/cli.md.
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>

#include "commands.hpp"
#include "error_report.hpp"
#include "exit_codes.hpp"

namespace {

constexpr const char* kFooter = R"(Exit codes:
  0  success
  1  not obtained: no free row / the lock is held (after --wait, if given)
  2  usage error or bad input: bad options or files, missing table, existing rows, bad configuration
  3  lease lost: not held by that lessee and token (renew, release), or lost while `run` ran
  4  AWS or network error, after the library's retries (throttling, auth, service, connection)
  run otherwise exits with its command's status (128+signal when the command was killed by a signal).

Connection: options left out are resolved as the AWS CLI does (AWS_ENDPOINT_URL_DYNAMODB,
AWS_ENDPOINT_URL, AWS_REGION, AWS_DEFAULT_REGION, AWS_PROFILE, AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, ~/.aws/credentials, ~/.aws/config). --table falls back to
LEASE_TABLE. The table's key name is read from DescribeTable. Durations: 30s, 500ms, 2m, 1h, or a
number of seconds. --lessee defaults to <hostname>:<pid>. Reference: docs/cli.md.)";

// The deepest command parsed ("lease table create" -> the create App).
const CLI::App& parsed_command(const CLI::App& app) {
  const CLI::App* current = &app;
  while (!current->get_subcommands().empty()) current = current->get_subcommands().front();
  return *current;
}

int parse_error(CLI::App& app, const CLI::ParseError& error) {
  if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(error);  // --help
  const CLI::App& command = parsed_command(app);
  std::string message = error.what();
  if (command.get_require_subcommand_min() > 0 && !command.remaining().empty()) {
    message = "unknown command '" + command.remaining().front() + "'";  // clearer than "a subcommand is required"
  }
  std::string path;
  for (const CLI::App* at = &command; at != nullptr; at = at->get_parent()) path = at->get_name() + (path.empty() ? "" : " ") + path;
  lease::cli::print_message("error", message + " (see: " + path + " --help)");
  return lease::cli::kUsage;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace lease::cli;
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout is a write error, not a silent death
  CLI::App app("lease: leases and locks stored in Amazon DynamoDB", "lease");
  app.require_subcommand(1);
  CommandContext context;
  add_common_options(app, context.common);
  add_table_commands(app, context);
  add_row_commands(app, context);
  add_lease_commands(app, context);
  add_watch_command(app, context);
  add_run_command(app, context);
  app.footer(kFooter);  // after the commands: CLI11 would copy it into each command's help

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return parse_error(app, error);
  }
  try {
    return context.selected ? context.selected() : kUsage;
  } catch (...) {
    return report_error(std::current_exception(), ErrorContext{context.common.table, context.endpoint()});
  }
}
