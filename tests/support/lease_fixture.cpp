#include "support/lease_fixture.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include "dynamodb/client.hpp"
#include "lease/error.hpp"
#include "support/ddb_local.hpp"

namespace lease::testing {

using namespace std::chrono_literals;

ClientOptions local_client_options(const std::string& endpoint) {
  ClientOptions options;
  options.endpoint_url = endpoint;
  options.region = "us-east-1";
  options.credentials = StaticCredentials{"AKIDEXAMPLE", "secret", ""};
  return options;
}

LeaseRequest lease_request(std::string lessee, std::chrono::milliseconds duration, bool heartbeat) {
  LeaseRequest request;
  request.lessee = std::move(lessee);
  request.duration = duration;
  request.heartbeat = heartbeat;
  return request;
}

AttributeMap without_lease_attributes(AttributeMap item, const AttributeNames& names) {
  for (const auto* name : {&names.lessee, &names.lease_until, &names.token, &names.bucket, &names.duration,
                           &names.data}) {
    item.erase(*name);
  }
  return item;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds poll) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(poll);
  }
}

std::int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::chrono::system_clock::time_point ShiftedClock::wall_now() const {
  return std::chrono::system_clock::now() +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(offset_);
}

std::chrono::nanoseconds ShiftedClock::elapsed_now() const { return SystemClock::instance()->elapsed_now(); }

Logger LogCapture::logger() {
  return [this](LogLevel level, std::string_view message) {
    std::lock_guard lock(mutex_);
    lines_.emplace_back(level, std::string(message));
  };
}

bool LogCapture::contains(LogLevel level, std::string_view text) const {
  std::lock_guard lock(mutex_);
  return std::any_of(lines_.begin(), lines_.end(), [&](const auto& line) {
    return line.first == level && line.second.find(text) != std::string::npos;
  });
}

std::string LogCapture::dump() const {
  std::lock_guard lock(mutex_);
  std::string text;
  for (const auto& [level, message] : lines_) text += std::string(to_string(level)) + ": " + message + "\n";
  return text;
}

void LeaseTableTest::SetUp() { client_.emplace(local_client_options(ddb_endpoint())); }

void LeaseTableTest::TearDown() {
  for (const auto& table : tables_) {
    try {
      client_->impl()->delete_table(table);
    } catch (const Error& e) {
      ADD_FAILURE() << "could not delete table " << table << ": " << e.what();
    }
  }
}

std::string LeaseTableTest::create(TableSpec spec) {
  std::string table = unique_table_name("lease");
  create_table(*client_, table, spec);
  tables_.push_back(table);
  return table;
}

std::optional<AttributeMap> LeaseTableTest::get(const std::string& table, const AttributeMap& key) {
  dynamodb::GetItemRequest request;
  request.table_name = table;
  request.key = key;
  request.consistent_read = true;
  return client_->impl()->get_item(request).item;
}

AttributeMap LeaseTableTest::row(const std::string& table, const std::string& key, const std::string& hash_key) {
  auto item = get(table, {{hash_key, S(key)}});
  if (!item) {
    ADD_FAILURE() << "row '" << key << "' is missing from " << table;
    return {};
  }
  return *item;
}

void LeaseTableTest::put(const std::string& table, AttributeMap item) {
  dynamodb::PutItemRequest request;
  request.table_name = table;
  request.item = std::move(item);
  (void)client_->impl()->put_item(request);
}

void LeaseTableTest::put_all(const std::string& table, std::vector<AttributeMap> items) {
  dynamodb::BatchWriteRequest batch;
  for (auto& item : items) batch.requests.push_back(dynamodb::WriteRequest::put(table, std::move(item)));
  (void)client_->impl()->batch_write_item(std::move(batch));
}

CycleReport hold_cycles(Pool& pool, const std::string& lessee, int cycles, std::chrono::milliseconds duration,
                        const std::function<std::int64_t()>& now) {
  std::mt19937 rng{std::random_device{}()};
  std::uniform_int_distribution<int> hold_ms(1, 8);
  WaitOptions wait;
  wait.max_wait = 60s;
  wait.min_poll = 5ms;
  wait.max_poll = 40ms;
  CycleReport report;
  for (int i = 0; i < cycles; ++i) {
    auto held = pool.wait_until_obtained(lease_request(lessee, duration), wait);
    if (!held) {
      ++report.not_obtained;
      continue;
    }
    if (!held->valid()) {
      ++report.invalid;
      continue;
    }
    Interval interval{held->key(), held->token(), now(), 0};
    std::this_thread::sleep_for(std::chrono::milliseconds(hold_ms(rng)));
    interval.end = now();
    // Valid after `end` and before `start`: validity is one interval, so it covers [start, end].
    if (held->valid()) {
      report.intervals.push_back(interval);
    } else {
      ++report.invalid;
    }
    held->release();
  }
  return report;
}

void write_intervals(const std::string& path, const std::vector<Interval>& intervals) {
  std::ofstream out(path, std::ios::trunc);
  for (const auto& i : intervals) out << i.key << ' ' << i.token << ' ' << i.start << ' ' << i.end << '\n';
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::vector<Interval> read_intervals(const std::string& path) {
  std::ifstream in(path);
  std::vector<Interval> intervals;
  Interval i;
  while (in >> i.key >> i.token >> i.start >> i.end) intervals.push_back(i);
  return intervals;
}

void expect_exclusive(std::vector<Interval> intervals) {
  std::map<std::string, std::vector<Interval>> by_key;
  for (auto& i : intervals) by_key[i.key].push_back(std::move(i));
  for (auto& [key, list] : by_key) {
    std::sort(list.begin(), list.end(), [](const Interval& a, const Interval& b) { return a.start < b.start; });
    for (std::size_t k = 1; k < list.size(); ++k) {
      const auto& before = list[k - 1];
      const auto& after = list[k];
      EXPECT_LT(before.end, after.start) << "row " << key << ": holds with tokens " << before.token << " and "
                                         << after.token << " overlap";
      EXPECT_LT(before.token, after.token) << "row " << key << ": token did not increase in time order";
    }
  }
}

}  // namespace lease::testing
