#pragma once
// Helpers of the lease scenario benchmark (lease_bench_obtain): a client for DynamoDB Local whose
// item requests report consumed capacity, bulk loading of pool rows, percentiles, and a table that
// prints as Markdown and saves as CSV. Bench-only code, not part of the library.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "aws/http.hpp"
#include "lease/client.hpp"
#include "lease/options.hpp"

namespace lease::bench {

/// Wraps a transport and adds `"ReturnConsumedCapacity": "TOTAL"` to every single-table item request
/// (GetItem, PutItem, UpdateItem, DeleteItem, Query, Scan) that does not ask for it, so the client's
/// capacity counters see what the lease layer's requests consume. This changes the signed body, so
/// it works only against DynamoDB Local, which does not verify signatures. Thread-safe when the
/// wrapped transport is.
class CapacityReportingTransport final : public aws::HttpTransport {
 public:
  explicit CapacityReportingTransport(std::shared_ptr<aws::HttpTransport> inner) : inner_(std::move(inner)) {}
  aws::HttpResponse send(const std::string& endpoint, const aws::HttpRequest& request) override;

 private:
  std::shared_ptr<aws::HttpTransport> inner_;
};

/// A lease::Client for DynamoDB Local at `endpoint` (dummy credentials, pooled curl connections),
/// with consumed capacity reported on item requests unless `report_capacity` is false (throughput
/// runs: the rewrite of every body costs client CPU).
[[nodiscard]] lease::Client local_client(const std::string& endpoint, bool report_capacity = true);

/// How a bulk-loaded pool row looks.
struct RowSpec {
  std::size_t rows = 0;             // rows in the table
  std::size_t free_rows = 0;        // of those, free (LeaseUntil 0, no lessee); the others are held
  int buckets = 16;                 // LeaseBucket = the pool's stable hash of the key % buckets
  std::size_t payload_bytes = 100;  // a String user attribute "payload" of this size
};

/// The key of row i ("row-0000042").
[[nodiscard]] std::string row_key(std::size_t i);

/// Which rows of `spec` are free: `free_rows` indexes picked by a fixed-seed shuffle, so they are
/// spread over the key space (and over scan order) the same way on every run.
[[nodiscard]] std::vector<bool> free_row_mask(const RowSpec& spec);

/// Writes rows [0, spec.rows) with BatchWriteItem from `threads` threads, with the attributes a pool
/// expects (id, LeaseBucket, LeaseUntil, LeaseToken, ProcessID on held rows, payload). Held rows
/// belong to "someone-else" until ten days from now. Stops early once `deadline_s` seconds have
/// passed (0: no deadline) and returns how many rows were written (a prefix of the rows).
std::size_t load_rows(const lease::Client& client, const std::string& table, const RowSpec& spec,
                      const std::vector<bool>& free_mask, int threads, double deadline_s);

/// Creates a pool table (with the index) named "<prefix>-<pid>" holding `rows` free rows; returns its name.
std::string create_free_pool(const lease::Client& client, const std::string& prefix, std::size_t rows);

/// Reads "--flag value" pairs from argv[1..] and hands each to `take`, which returns false for a flag
/// it does not know (then std::invalid_argument is thrown). Returns LEASE_BENCH_ENDPOINT; throws
/// std::invalid_argument when it is not set.
std::string parse_flags(int argc, char** argv,
                        const std::function<bool(const std::string& flag, const std::string& value)>& take);

/// Comma-separated numbers ("1,4,16").
[[nodiscard]] std::vector<std::size_t> parse_list(const std::string& text);

/// Runs a benchmark's `body`; an exception is printed as "<program>: <what>" and gives exit status 1.
int guarded_main(const char* program, const std::function<int()>& body);

/// Nearest-rank percentile (p in [0, 100]) of `values`; 0 when empty.
[[nodiscard]] double percentile(std::vector<double> values, double p);
/// `value` with `decimals` digits after the point.
[[nodiscard]] std::string fixed(double value, int decimals);

/// Rows of strings under a header; prints as a Markdown table and saves as CSV. Not thread-safe.
class ResultTable {
 public:
  explicit ResultTable(std::vector<std::string> header) : header_(std::move(header)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  [[nodiscard]] bool empty() const noexcept { return rows_.empty(); }
  void print_markdown(std::ostream& out) const;
  /// Writes the table as CSV to `path`; returns false when the file cannot be written.
  bool save_csv(const std::string& path) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace lease::bench
