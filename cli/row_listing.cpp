#include "row_listing.hpp"

#include <chrono>

#include "output.hpp"

namespace lease::cli {

std::string render_rows(Pool& pool, bool json) {
  const auto rows = pool.list();
  const auto now = std::chrono::system_clock::now();
  std::vector<RowView> views;
  views.reserve(rows.size());
  for (const auto& row : rows) views.push_back(row_view(pool.table(), row));
  if (json) {
    auto array = nlohmann::ordered_json::array();
    for (const auto& view : views) array.push_back(row_json(view));
    return array.dump();
  }
  if (views.empty()) return "(no rows in table '" + pool.table() + "')";
  std::string text = rows_table(views, now);
  text.pop_back();  // the caller ends the last line
  return text;
}

}  // namespace lease::cli
