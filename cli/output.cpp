#include "output.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "duration.hpp"
#include "lease/options.hpp"

namespace lease::cli {

namespace {

using std::chrono::system_clock;

std::int64_t to_ns(system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
}

system_clock::time_point from_ns(std::int64_t ns) {
  return system_clock::time_point(std::chrono::duration_cast<system_clock::duration>(std::chrono::nanoseconds(ns)));
}

// The row's own attributes: without the key and the lease's bookkeeping.
AttributeMap user_attributes(AttributeMap attributes, const std::string& hash_key) {
  const AttributeNames names;
  for (const auto* name : {&hash_key, &names.lessee, &names.lease_until, &names.token, &names.bucket}) {
    attributes.erase(*name);
  }
  return attributes;
}

std::string time_left(const RowView& row, system_clock::time_point now) {
  if (row.lease_until_ns == 0) return "-";
  return format_duration(from_ns(row.lease_until_ns) - now);
}

std::string status_of(const RowView& row) {
  if (row.lessee) return "held";
  return row.last_lessee ? "expired" : "free";
}

}  // namespace

RowView row_view(const Lease& lease, const std::string& hash_key) {
  RowView view;
  view.table = lease.table();
  view.key = lease.key();
  view.lessee = lease.lessee();
  view.last_lessee = lease.lessee();
  view.token = lease.token();
  view.lease_until_ns = to_ns(lease.lease_until());
  view.attributes = user_attributes(lease.attributes(), hash_key);
  return view;
}

RowView row_view(const std::string& table, const RowStatus& row) {
  RowView view;
  view.table = table;
  view.key = row.key;
  if (row.held) view.lessee = row.lessee;
  view.last_lessee = row.lessee;
  view.token = row.token;
  view.lease_until_ns = row.lease_until ? to_ns(*row.lease_until) : 0;
  view.attributes = row.attributes;  // the pool already left out the key and lease attributes
  return view;
}

nlohmann::ordered_json row_json(const RowView& row) {
  return nlohmann::ordered_json{{"table", row.table},
                        {"key", row.key},
                        {"lessee", row.lessee ? nlohmann::ordered_json(*row.lessee) : nlohmann::ordered_json(nullptr)},
                        {"token", row.token},
                        {"lease_until_ns", row.lease_until_ns},
                        {"attributes", nlohmann::ordered_json::parse(to_dynamodb_json(row.attributes))}};
}

std::string attributes_text(const AttributeMap& attributes) {
  std::string text;
  for (const auto& [name, value] : attributes) {
    if (!text.empty()) text += ' ';
    text += name + '=';
    if (value.is_string()) {
      text += value.as_string();
    } else if (value.is_number()) {
      text += value.as_number();
    } else {
      text += to_dynamodb_json(value);
    }
  }
  return text;
}

std::string lease_line(const RowView& row, system_clock::time_point now) {
  std::string line = row.key + "  token " + std::to_string(row.token) + "  held by " + row.lessee.value_or("-") +
                     " for " + time_left(row, now) + " (until " + format_time(from_ns(row.lease_until_ns)) + ")";
  if (!row.attributes.empty()) line += "  " + attributes_text(row.attributes);
  return line;
}

std::string rows_table(const std::vector<RowView>& rows, system_clock::time_point now) {
  constexpr std::size_t kColumns = 6;
  using Line = std::array<std::string, kColumns>;
  std::vector<Line> lines{{"KEY", "STATUS", "HOLDER", "TOKEN", "LEFT", "ATTRIBUTES"}};
  for (const auto& row : rows) {
    lines.push_back({row.key, status_of(row), row.last_lessee.value_or("-"), std::to_string(row.token),
                     row.lessee ? time_left(row, now) : "-", attributes_text(row.attributes)});
  }
  std::array<std::size_t, kColumns> width{};
  for (const auto& line : lines) {
    for (std::size_t i = 0; i < kColumns; ++i) width[i] = std::max(width[i], line[i].size());
  }
  std::string text;
  for (const auto& line : lines) {
    std::string out;
    for (std::size_t i = 0; i < kColumns; ++i) {
      out += line[i];
      if (i + 1 < kColumns) out += std::string(width[i] - line[i].size() + 2, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    text += out + '\n';
  }
  return text;
}

void print_stdout(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace lease::cli
