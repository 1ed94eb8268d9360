#pragma once
// The command `lease run` supervises: started in its own process group (so signals reach its
// children too), killed if `lease` itself dies, reaped with its status in shell convention.

#include <sys/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lease::cli {

/// Environment variables to set for the child (replacing inherited ones of the same name).
using EnvironmentOverrides = std::vector<std::pair<std::string, std::string>>;

/// Starts argv[0] (searched in PATH) with `argv` and the current environment plus `overrides`, as
/// the leader of a new process group, with SIGKILL as its parent-death signal. Throws
/// CommandFailure (exit 127 when not found, 126 otherwise) when it cannot be executed.
[[nodiscard]] pid_t start_child(const std::vector<std::string>& argv, const EnvironmentOverrides& overrides);

/// Sends `signal` to the child's process group (falls back to the child alone).
void signal_child(pid_t child, int signal) noexcept;

/// Reaps the child if it has ended: its exit status, or 128 + the signal that killed it.
[[nodiscard]] std::optional<int> reap_child(pid_t child);

}  // namespace lease::cli
