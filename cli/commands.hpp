#pragma once
// Registration of the tool's commands. Each command parses into its own options and, when chosen,
// leaves an action that main() runs after parsing (so errors are reported in one place).

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>

#include "common_options.hpp"
#include "lease/client.hpp"
#include "lease/logger.hpp"
#include "lease/pool.hpp"

namespace lease::cli {

/// What a chosen command does; returns the exit code.
using Action = std::function<int()>;

/// State shared by every command of one invocation: the common options, the chosen action, and
/// what error messages need. Not thread-safe: used by the main thread only.
class CommandContext {
 public:
  CommonOptions common;  ///< filled by the parser
  Action selected;       ///< set by the chosen command's parse callback

  /// A client for the common options (records its endpoint for error messages).
  [[nodiscard]] Client client();
  /// The --table value; throws UsageError when missing.
  [[nodiscard]] const std::string& table() { return require_table(common); }
  /// The -v logger (empty without -v).
  [[nodiscard]] Logger logger() const { return make_logger(common); }
  /// A Pool on the --table, with a client for the common options and the -v logger.
  [[nodiscard]] std::unique_ptr<Pool> open_pool();
  /// The endpoint of the last client made (empty before).
  [[nodiscard]] const std::string& endpoint() const noexcept { return endpoint_; }

 private:
  std::string endpoint_;
};

/// Adds a command `name` under `parent`, with the common options; `action` becomes the selected
/// action when the command is chosen. Returns it to add the command's own options.
CLI::App* add_command(CLI::App& parent, const std::string& name, const std::string& description,
                      CommandContext& context, Action action);

/// Adds `--lessee ID` (default: <hostname>:<pid> unless `required`).
void add_lessee_option(CLI::App& command, std::string& lessee, bool required);

/// The commands, by topic.
void add_table_commands(CLI::App& app, CommandContext& context);  // table create|describe|index-rows
void add_row_commands(CLI::App& app, CommandContext& context);    // add, list
void add_lease_commands(CLI::App& app, CommandContext& context);  // obtain, acquire, renew, release, force-release
void add_watch_command(CLI::App& app, CommandContext& context);   // watch
void add_run_command(CLI::App& app, CommandContext& context);     // run

}  // namespace lease::cli
