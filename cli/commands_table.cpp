// `lease table create|describe|index-rows`: the table's administration.
#include <memory>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "lease/pool.hpp"
#include "output.hpp"
#include "progress.hpp"

namespace lease::cli {

namespace {

struct CreateOptions {
  std::string hash_key = "id";
  int buckets = 16;
};

nlohmann::ordered_json table_json(const TableInfo& info) {
  return nlohmann::ordered_json{{"name", info.name},         {"status", info.status},
                        {"hash_key", info.hash_key}, {"sort_key", info.sort_key.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(info.sort_key)},
                        {"indexes", info.indexes},   {"item_count", info.item_count}};
}

std::string table_text(const TableInfo& info) {
  std::string indexes;
  for (const auto& index : info.indexes) indexes += (indexes.empty() ? "" : ", ") + index;
  return "table     " + info.name + "\nstatus    " + info.status + "\nhash key  " + info.hash_key +
         "\nsort key  " + (info.sort_key.empty() ? "-" : info.sort_key) + "\nindexes   " +
         (indexes.empty() ? "-" : indexes) + "\nitems     " + std::to_string(info.item_count) +
         " (approximate, updated by DynamoDB every few hours)";
}

void print_table(CommandContext& context, const TableInfo& info) {
  print_stdout(context.common.json ? table_json(info).dump() : table_text(info));
}

int create(CommandContext& context, const CreateOptions& options) {
  const auto& table = context.table();
  auto client = context.client();
  TableSpec spec;
  spec.hash_key = options.hash_key;
  spec.buckets = options.buckets;
  Progress progress;
  spec.progress = [&](std::string_view status) {
    progress.update("waiting for table '" + table + "' to become ACTIVE (now " + std::string(status) + ")");
  };
  create_table(client, table, spec);
  progress.finish();
  print_table(context, describe_table(client, table));
  return kSuccess;
}

int describe(CommandContext& context) {
  const auto& table = context.table();
  print_table(context, describe_table(context.client(), table));
  return kSuccess;
}

int index_rows(CommandContext& context) {
  const auto& table = context.table();
  auto pool = context.open_pool();
  Progress progress;
  const auto updated = pool->index_rows([&](std::size_t done) { progress.update("indexed " + std::to_string(done) + " rows"); });
  progress.finish();
  print_stdout(context.common.json ? nlohmann::ordered_json{{"table", table}, {"updated", updated}}.dump()
                                   : "indexed " + std::to_string(updated) + " rows of table '" + table + "'");
  return kSuccess;
}

}  // namespace

void add_table_commands(CLI::App& app, CommandContext& context) {
  CLI::App* group = app.add_subcommand("table", "Create, describe or index a lease table");
  add_common_options(*group, context.common);
  group->require_subcommand(1);

  auto options = std::make_shared<CreateOptions>();
  CLI::App* create_command = add_command(*group, "create", "Create a pool/lock table with its index", context,
                                         [&context, options] { return create(context, *options); });
  create_command->footer("On-demand billing; the index is LeaseIndex_<buckets>. Waits until the table is ACTIVE "
                         "(progress on a terminal). Exit 2 when it exists already.");
  create_command->add_option("--hash-key", options->hash_key, "name of the String hash key")->capture_default_str();
  create_command->add_option("--buckets", options->buckets, "index buckets the rows are spread over (1-10000)")
      ->capture_default_str();

  add_command(*group, "describe", "Show the table's status, keys, indexes and item count", context,
              [&context] { return describe(context); });
  add_command(*group, "index-rows", "Give existing rows the index attributes", context,
              [&context] { return index_rows(context); })
      ->footer("Sets LeaseBucket (and LeaseUntil = 0 where absent) on rows that lack them, e.g. in a table made "
               "elsewhere, so obtain finds them through the index. Rows already leased keep their lease.");
}

}  // namespace lease::cli
