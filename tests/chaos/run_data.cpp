#include "run_data.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "event_log.hpp"

namespace lease::chaos {

void write_json_file(const std::string& path, const nlohmann::json& value) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << value.dump(1) << "\n";
    if (!out) throw std::runtime_error("cannot write " + temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot write " + path);
}

nlohmann::json read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

RunData load_run(const std::string& dir) {
  RunData run;
  run.config = read_json_file(dir + "/config.json").get<RunConfig>();
  auto run_log = read_events(dir + "/run.log");
  run.run_events = std::move(run_log.events);
  run.bad_lines += run_log.bad_lines;
  HistoryBuilder history;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 5 && name[0] == 'w' && name.ends_with(".log")) {
      const std::string worker = name.substr(0, name.size() - 4);
      run.bad_lines += for_each_event(entry.path().string(),
                                      [&](nlohmann::json&& event) { history.add(worker, event); });
    }
  }
  run.history = std::move(history).take();
  run.initial_rows = rows_from_json(read_json_file(dir + "/rows-initial.json"));
  run.final_rows = rows_from_json(read_json_file(dir + "/rows-final.json"));
  run.fence = read_json_file(dir + "/fence.json").get<std::vector<FenceKeyRecord>>();
  return run;
}

}  // namespace lease::chaos
