#pragma once
// What a chaos run leaves in its folder, loaded for the checker:
//   config.json · run.log (orchestrator) · w<N>.log (workers) · rows-initial.json · rows-final.json ·
//   fence.json

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fence.hpp"
#include "history.hpp"
#include "run_config.hpp"
#include "tables.hpp"

namespace lease::chaos {

/// A finished run's records. A value type.
struct RunData {
  RunConfig config;
  std::vector<nlohmann::json> run_events;                            ///< run.log
  History history;                                                   ///< from the w<N>.log files
  RowSnapshot initial_rows;
  RowSnapshot final_rows;
  std::vector<FenceKeyRecord> fence;
  std::size_t bad_lines = 0;  ///< unreadable log lines (a line cut by SIGKILL)
};

/// Loads a run folder. Throws std::runtime_error naming a missing or unreadable file.
[[nodiscard]] RunData load_run(const std::string& dir);

/// Whole-file JSON, written via a temporary file and a rename.
void write_json_file(const std::string& path, const nlohmann::json& value);
[[nodiscard]] nlohmann::json read_json_file(const std::string& path);

}  // namespace lease::chaos
