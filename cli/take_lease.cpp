#include "take_lease.hpp"

#include "duration.hpp"
#include "exit_codes.hpp"

namespace lease::cli {

TakenLease take_lease(const Client& client, const TakeRequest& request, const Logger& logger, std::stop_token stop) {
  TakenLease taken;
  const WaitOptions wait{.max_wait = request.wait, .progress = request.progress};
  if (!request.key) {
    PoolOptions options;
    options.logger = logger;
    taken.pool = std::make_unique<Pool>(client, request.table, std::move(options));
    taken.lease = request.wait > std::chrono::milliseconds::zero()
                      ? taken.pool->wait_until_obtained(request.lease, wait, stop)
                      : taken.pool->obtain(request.lease);
    taken.hash_key = taken.pool->hash_key();
    return taken;
  }
  const auto info = describe_table(client, request.table);
  if (!info.sort_key.empty()) {
    throw UsageError("table '" + request.table + "' has a sort key ('" + info.sort_key +
                     "'); the lease tool supports named locks on hash-key-only tables");
  }
  taken.hash_key = info.hash_key;
  LockOptions options;
  options.hash_key = info.hash_key;
  options.logger = logger;
  taken.locks = std::make_unique<LockClient>(client, request.table, std::move(options));
  LockRequest lock;
  lock.key = *request.key;
  lock.lease = request.lease;
  lock.data = request.data;
  taken.lease = request.wait > std::chrono::milliseconds::zero() ? taken.locks->acquire(lock, wait, stop)
                                                                 : taken.locks->try_acquire(lock);
  return taken;
}

std::string not_obtained_message(const TakeRequest& request) {
  std::string text = request.key ? "lock '" + *request.key + "' is held by someone else"
                                 : "no free row in table '" + request.table + "'";
  if (request.wait > std::chrono::milliseconds::zero()) text += " (waited " + format_duration(request.wait) + ")";
  return text;
}

}  // namespace lease::cli
