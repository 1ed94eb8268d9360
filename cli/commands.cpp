#include "commands.hpp"

namespace lease::cli {

Client CommandContext::client() {
  Client made = make_client(common);
  endpoint_ = made.endpoint();
  return made;
}

std::unique_ptr<Pool> CommandContext::open_pool() {
  PoolOptions options;
  options.logger = logger();
  const auto& name = table();
  return std::make_unique<Pool>(client(), name, std::move(options));
}

CLI::App* add_command(CLI::App& parent, const std::string& name, const std::string& description,
                      CommandContext& context, Action action) {
  CLI::App* command = parent.add_subcommand(name, description);
  add_common_options(*command, context.common);
  command->callback([&context, action = std::move(action)] { context.selected = action; });
  return command;
}

void add_lessee_option(CLI::App& command, std::string& lessee, bool required) {
  auto* option = command.add_option("--lessee", lessee,
                                    required ? "the lessee that holds the lease" : "who takes the lease (default <hostname>:<pid>)");
  if (required) option->required();
}

}  // namespace lease::cli
