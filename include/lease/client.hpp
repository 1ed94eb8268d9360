#pragma once
/// \file
/// `lease::Client`: a connection to DynamoDB (endpoint, region, credentials, pooled HTTP connections,
/// retries) shared by pools and named locks.
///
/// Thread-safety: a Client is a cheap, copyable handle to shared state; copies and concurrent calls
/// from any number of threads are safe. Create one per process and pass it to every Pool/LockClient.
///
/// \code
///   lease::Client client({.endpoint_url = "http://127.0.0.1:8000", .region = "us-east-1"});
/// \endcode

#include <memory>
#include <string>

#include "lease/client_options.hpp"

namespace lease {

namespace dynamodb {
class Client;
}

/// Counters of what a Client has sent (for cost measurements).
struct ClientStats {
  std::uint64_t requests = 0;            ///< HTTP requests sent, retries included
  std::uint64_t retries = 0;             ///< of those, retries
  double read_capacity = 0;              ///< consumed read capacity units reported by DynamoDB
  double write_capacity = 0;             ///< consumed write capacity units reported by DynamoDB
  std::uint64_t connections_opened = 0;  ///< TCP connections opened (the rest reused a kept-alive one)
};

class Client {
 public:
  /// Resolves endpoint, region and credentials (explicit options, then environment, then shared
  /// files). Throws lease::ConfigurationError naming every place it looked when something is missing.
  explicit Client(const ClientOptions& options = {});

  /// The endpoint requests go to ("https://dynamodb.us-east-1.amazonaws.com").
  [[nodiscard]] std::string endpoint() const;
  /// The signing region.
  [[nodiscard]] std::string region() const;
  /// Where the credentials came from ("environment", "shared credentials file ... [profile]"); never
  /// the credentials themselves.
  [[nodiscard]] std::string credentials_source() const;
  /// Requests, retries and consumed capacity so far.
  [[nodiscard]] ClientStats stats() const;

  /// Internal layer (not part of the stable API).
  [[nodiscard]] const std::shared_ptr<dynamodb::Client>& impl() const noexcept { return impl_; }
  explicit Client(std::shared_ptr<dynamodb::Client> impl) : impl_(std::move(impl)) {}

 private:
  std::shared_ptr<dynamodb::Client> impl_;
};

}  // namespace lease
