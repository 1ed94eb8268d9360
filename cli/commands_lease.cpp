// `lease obtain|acquire|renew|release|force-release`: one lease at a time, handed to the caller.
// obtain and acquire keep() the lease: it stays held after this process exits, until it expires or
// someone renews or releases it with its lessee and token.
#include <memory>

#include "commands.hpp"
#include "duration.hpp"
#include "exit_codes.hpp"
#include "lease/lock.hpp"
#include "lease/pool.hpp"
#include "output.hpp"
#include "take_lease.hpp"

namespace lease::cli {

namespace {

using std::chrono::system_clock;

struct TakeOptions {
  std::string key;  // acquire only
  std::string lessee;
  std::string duration;
  std::string wait = "0s";
  std::optional<std::string> data;  // acquire only
};

struct HolderOptions {
  std::string key;
  std::string lessee;
  std::int64_t token = 0;
  std::string duration = "30s";  // renew only
  bool yes = false;              // force-release only
};

// The lease request the take options describe (no heartbeats: the lease outlives this process).
TakeRequest take_request(CommandContext& context, const TakeOptions& options, std::optional<std::string> key) {
  TakeRequest request;
  request.key = std::move(key);
  request.lease.lessee = options.lessee.empty() ? default_lessee() : options.lessee;
  request.lease.duration = parse_positive_duration(options.duration, "--duration");
  request.lease.heartbeat = false;
  request.wait = parse_duration(options.wait, "--wait");
  if (options.data) request.data = Bytes(options.data->begin(), options.data->end());
  request.table = context.table();
  return request;
}

int take(CommandContext& context, const TakeRequest& request) {
  auto client = context.client();
  auto taken = take_lease(client, request, context.logger());
  if (!taken.lease) throw CommandFailure(kNotObtained, not_obtained_message(request));
  taken.lease->keep();
  const auto view = row_view(*taken.lease, taken.hash_key);
  print_stdout(context.common.json ? row_json(view).dump()
                                   : std::string(request.key ? "acquired " : "obtained ") +
                                         lease_line(view, system_clock::now()));
  return kSuccess;
}

std::string not_held(const HolderOptions& options) {
  return "lease lost: '" + options.key + "' is not held by lessee '" + options.lessee + "' with token " +
         std::to_string(options.token);
}

int renew(CommandContext& context, const HolderOptions& options) {
  const auto duration = parse_positive_duration(options.duration, "--duration");
  const auto& table = context.table();
  auto pool = context.open_pool();
  const auto until = pool->renew(options.key, options.lessee, options.token, duration);
  if (!until) throw CommandFailure(kLeaseLost, not_held(options));
  const auto until_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(until->time_since_epoch()).count();
  print_stdout(context.common.json ? nlohmann::ordered_json{{"table", table},
                                                    {"key", options.key},
                                                    {"lessee", options.lessee},
                                                    {"token", options.token},
                                                    {"lease_until_ns", until_ns}}
                                         .dump()
                                   : "renewed '" + options.key + "' (token " + std::to_string(options.token) +
                                         ") until " + format_time(*until));
  return kSuccess;
}

int release(CommandContext& context, const HolderOptions& options) {
  const auto& table = context.table();
  auto pool = context.open_pool();
  if (!pool->release(options.key, options.lessee, options.token)) {
    throw CommandFailure(kLeaseLost, not_held(options) + "; nothing released");
  }
  print_stdout(context.common.json ? nlohmann::ordered_json{{"table", table}, {"key", options.key}, {"released", true}}.dump()
                                   : "released '" + options.key + "'");
  return kSuccess;
}

std::string overridden_text(const std::string& key, const ForceReleaseResult& result) {
  if (!result.lessee) return "'" + key + "' was already free (token " + std::to_string(result.token) + "); nothing overridden";
  std::string text = "force-released '" + key + "': was held by '" + *result.lessee + "' with token " +
                     std::to_string(result.token);
  if (result.lease_until) {
    const auto left = *result.lease_until - system_clock::now();
    text += ", lease until " + format_time(*result.lease_until) +
            (left > system_clock::duration::zero() ? " (" + format_duration(left) + " left)"
                                                   : " (expired " + format_duration(-left) + " ago)");
  }
  return text;
}

int force_release(CommandContext& context, const HolderOptions& options) {
  if (!options.yes) {
    throw UsageError("force-release frees '" + options.key +
                     "' whoever holds it, and that holder may still be working: add --yes to confirm");
  }
  const auto& table = context.table();
  auto pool = context.open_pool();
  const auto result = pool->force_release(options.key);
  if (!result.existed) throw UsageError("no row '" + options.key + "' in table '" + table + "'");
  if (context.common.json) {
    const auto until_ns =
        result.lease_until
            ? std::chrono::duration_cast<std::chrono::nanoseconds>(result.lease_until->time_since_epoch()).count()
            : 0;
    print_stdout(nlohmann::ordered_json{{"table", table},
                                {"key", options.key},
                                {"previous_lessee", result.lessee ? nlohmann::ordered_json(*result.lessee) : nlohmann::ordered_json(nullptr)},
                                {"previous_token", result.token},
                                {"previous_lease_until_ns", until_ns}}
                     .dump());
  } else {
    print_stdout(overridden_text(options.key, result));
  }
  return kSuccess;
}

constexpr const char* kHandOver =
    "Exit 1 when none is free (after --wait). The lease is not renewed by this process and stays held after "
    "it exits, until it expires or is renewed/released with its lessee and token:\n"
    "  lease renew KEY --lessee ID --token N    lease release KEY --lessee ID --token N";

void add_take_options(CLI::App& command, TakeOptions& options) {
  add_lessee_option(command, options.lessee, false);
  command.add_option("--duration", options.duration, "how long the lease holds, e.g. 30s, 500ms, 2m, 1h")->required();
  command.add_option("--wait", options.wait, "keep trying this long when none is free (default: try once)");
}

void add_holder_options(CLI::App& command, HolderOptions& options) {
  command.add_option("KEY", options.key, "the row's key")->required();
  add_lessee_option(command, options.lessee, true);
  command.add_option("--token", options.token, "the lease's fencing token")->required();
}

}  // namespace

void add_lease_commands(CLI::App& app, CommandContext& context) {
  auto obtain_options = std::make_shared<TakeOptions>();
  auto* obtain_cmd = add_command(app, "obtain", "Take any free pool row and print it", context, [&context, obtain_options] {
    return take(context, take_request(context, *obtain_options, std::nullopt));
  });
  obtain_cmd->footer(kHandOver);
  add_take_options(*obtain_cmd, *obtain_options);

  auto acquire_options = std::make_shared<TakeOptions>();
  auto* acquire_cmd = add_command(app, "acquire", "Take the named lock KEY and print it", context, [&context, acquire_options] {
    return take(context, take_request(context, *acquire_options, acquire_options->key));
  });
  acquire_cmd->footer(kHandOver);
  acquire_cmd->add_option("KEY", acquire_options->key, "the lock's key")->required();
  add_take_options(*acquire_cmd, *acquire_options);
  acquire_cmd->add_option("--data", acquire_options->data, "TEXT stored with the lock (LockData)");

  auto renew_options = std::make_shared<HolderOptions>();
  auto* renew_cmd = add_command(app, "renew", "Extend a lease held by --lessee with --token", context, [&context, renew_options] { return renew(context, *renew_options); });
  add_holder_options(*renew_cmd, *renew_options);
  renew_cmd->add_option("--duration", renew_options->duration, "new duration from now")->capture_default_str();

  auto release_options = std::make_shared<HolderOptions>();
  auto* release_cmd = add_command(app, "release", "Free a lease held by --lessee with --token", context, [&context, release_options] { return release(context, *release_options); });
  add_holder_options(*release_cmd, *release_options);

  auto force_options = std::make_shared<HolderOptions>();
  auto* force_cmd = add_command(app, "force-release", "Operator override: free KEY whoever holds it", context, [&context, force_options] { return force_release(context, *force_options); });
  force_cmd->add_option("KEY", force_options->key, "the row's key")->required();
  force_cmd->add_flag("--yes", force_options->yes, "confirm the override");
  force_cmd->footer("Says what it overrode (previous lessee, token, expiry). The token is kept, so the next "
                    "holder's is higher and a resource checking tokens rejects the old holder. Without --yes, or "
                    "for a missing row: exit 2.");
  renew_cmd->footer("Exit 3 (lease lost) when KEY is not held by that lessee and token.");
  release_cmd->footer("Exit 3 when KEY is not held by that lessee and token (nothing is released).");
}

}  // namespace lease::cli
