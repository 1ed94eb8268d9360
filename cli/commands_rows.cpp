// `lease add` (free pool rows with their own attributes) and `lease list` (every row and its holder).
#include <memory>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "item_input.hpp"
#include "lease/pool.hpp"
#include "output.hpp"
#include "progress.hpp"
#include "row_listing.hpp"

namespace lease::cli {

namespace {

struct AddOptions {
  std::vector<std::string> keys;
  std::vector<std::string> attributes;
  std::string from;
};

int add(CommandContext& context, const AddOptions& options) {
  if (options.keys.empty() && options.from.empty()) throw UsageError("add: give KEY... or --from FILE");
  const auto& table = context.table();
  auto pool = context.open_pool();
  auto items = options.from.empty() ? items_from_keys(options.keys, options.attributes, pool->hash_key())
                                    : items_from_file(options.from);
  Progress progress;
  const auto total = std::to_string(items.size());
  const auto added = pool->add_rows(items, [&](std::size_t done) {
    progress.update("added " + std::to_string(done) + "/" + total + " rows");
  });
  progress.finish();
  print_stdout(context.common.json ? nlohmann::ordered_json{{"table", table}, {"added", added}}.dump()
                                   : "added " + std::to_string(added) + " rows to table '" + table + "'");
  return kSuccess;
}

int list(CommandContext& context) {
  auto pool = context.open_pool();
  print_stdout(render_rows(*pool, context.common.json));
  return kSuccess;
}

}  // namespace

void add_row_commands(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<AddOptions>();
  CLI::App* add_cmd = add_command(app, "add", "Add free pool rows with their own attributes", context,
                                  [&context, options] { return add(context, *options); });
  add_cmd->footer(
      "Examples:\n  lease add job-1 job-2 --attr queue=fast\n  aws dynamodb scan ... | jq -c '.Items[]' | lease add --from -\n"
      "Rows that already exist are never overwritten: they are named and the command exits 2 (the others are added).");
  auto* keys = add_cmd->add_option("KEY", options->keys, "keys of the rows to add");
  add_cmd->add_option("--attr", options->attributes, "NAME=VALUE: a String attribute of every KEY row (repeatable)")
      ->needs(keys);
  add_cmd->add_option("--from", options->from,
                      "FILE of JSON lines, each a DynamoDB JSON item as the AWS CLI prints them, e.g. "
                      "{\"id\":{\"S\":\"a\"},\"n\":{\"N\":\"1\"}}; '-' reads stdin")
      ->excludes(keys);

  add_command(app, "list", "Every row with its holder, token and time left, or free", context,
              [&context] { return list(context); });
}

}  // namespace lease::cli
