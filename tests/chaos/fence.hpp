#pragma once
// The protected resource of the chaos run: a DynamoDB table that accepts a write for a key only
// with a fencing token at least as high as the highest it has accepted for that key, and keeps a
// record of what it accepted for the checker.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lease/attribute_value.hpp"
#include "lease/client.hpp"

namespace lease::chaos {

/// What became of one fenced write.
enum class FenceOutcome {
  accepted,  ///< applied: the token was the highest seen for the key
  fenced,    ///< refused: a higher token was seen before (a stale holder, fenced out)
  unknown,   ///< no answer (timeout, reset): it may or may not have been applied
};
[[nodiscard]] std::string_view to_string(FenceOutcome outcome) noexcept;

/// What the resource accepted with one token: sequence numbers (0-based, per key) of the first and
/// the last accepted write, and how many.
struct FenceTokenRecord {
  std::int64_t token = 0;
  std::int64_t first = 0;
  std::int64_t last = 0;
  std::int64_t count = 0;
};
/// What the resource holds for one key.
struct FenceKeyRecord {
  std::string key;
  std::int64_t highest = 0;               ///< highest token accepted (0: none)
  std::int64_t writes = 0;                ///< writes accepted
  std::vector<FenceTokenRecord> tokens;   ///< ascending by token
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(FenceTokenRecord, token, first, last, count)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(FenceKeyRecord, key, highest, writes, tokens)

/// The fence table. One item per key: `tok` (highest token accepted), `n` (writes accepted), `lw`
/// (id of the last accepted write), and for each token t: `f<t>`/`l<t>` (sequence numbers of its
/// first and last accepted write) and `c<t>` (its accepted writes). One conditional UpdateItem per
/// write (`tok <= :t`), so the record and the acceptance are one atomic step. A write id is never
/// applied twice, even when a request is sent again after a lost response.
/// Thread-safe (as lease::Client).
class Fence {
 public:
  Fence(lease::Client client, std::string table);

  /// Creates the table (hash key "k", on demand) and waits until it is active.
  static void create_table(const lease::Client& client, const std::string& table);
  /// Adds a key with no writes yet; a write to a key that was not added is refused.
  void add_key(const std::string& key);
  /// Writes with `token`; `write_id` must be unique. On `unknown`, `error` (when given) says why.
  FenceOutcome write(const std::string& key, std::int64_t token, const std::string& write_id,
                     std::string* error = nullptr);
  /// Every key's record (a consistent scan).
  [[nodiscard]] std::vector<FenceKeyRecord> read_all();

 private:
  lease::Client client_;
  std::string table_;
};

/// The record of one fence item (as read by a scan).
[[nodiscard]] FenceKeyRecord fence_record(const AttributeMap& item);

}  // namespace lease::chaos
