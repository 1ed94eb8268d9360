#pragma once
// How rows and leases are printed: the --json object (table, key, lessee, token, lease_until_ns,
// attributes in DynamoDB JSON) and the human forms (one line for a lease, a table for many rows).

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lease/lease.hpp"
#include "lease/pool.hpp"

namespace lease::cli {

/// One row as the tool shows it. A value type.
struct RowView {
  std::string table;                        ///< table name
  std::string key;                          ///< hash key value
  std::optional<std::string> lessee;        ///< holder; empty when free (never held, released or lapsed)
  std::optional<std::string> last_lessee;   ///< the recorded ProcessID, even when lapsed (human output)
  std::int64_t token = 0;                   ///< fencing token
  std::int64_t lease_until_ns = 0;          ///< LeaseUntil, ns since the Unix epoch (0: free)
  AttributeMap attributes;                  ///< the row's own attributes (not the key or lease attributes)
};

/// The view of a lease just taken; `hash_key` names the key attribute to leave out of attributes.
[[nodiscard]] RowView row_view(const Lease& lease, const std::string& hash_key);
/// The view of a listed row.
[[nodiscard]] RowView row_view(const std::string& table, const RowStatus& row);

/// {"table","key","lessee" (null when free),"token","lease_until_ns","attributes" (DynamoDB JSON)}.
[[nodiscard]] nlohmann::ordered_json row_json(const RowView& row);

/// One line for a held lease: "job-1  token 4  held by host:1 for 30.0s (until ...Z)  n=1".
[[nodiscard]] std::string lease_line(const RowView& row, std::chrono::system_clock::time_point now);

/// An aligned table, one line per row (KEY STATUS HOLDER TOKEN LEFT ATTRIBUTES), each line ending in '\n'.
[[nodiscard]] std::string rows_table(const std::vector<RowView>& rows, std::chrono::system_clock::time_point now);

/// Attributes as "name=value" pairs: S and N plainly, other types in DynamoDB JSON.
[[nodiscard]] std::string attributes_text(const AttributeMap& attributes);

/// Writes `text` and a newline to stdout and flushes (scripts read it through pipes).
void print_stdout(const std::string& text);

}  // namespace lease::cli
