#include "lease/client.hpp"

#include "dynamodb/client.hpp"

namespace lease {

Client::Client(const ClientOptions& options) : impl_(std::make_shared<dynamodb::Client>(options)) {}

std::string Client::endpoint() const { return impl_->config().endpoint; }
std::string Client::region() const { return impl_->config().region; }
std::string Client::credentials_source() const { return impl_->config().credentials_source; }

ClientStats Client::stats() const {
  auto s = impl_->stats();
  return ClientStats{s.requests, s.retries, s.read_capacity_units, s.write_capacity_units, s.connections_opened};
}

}  // namespace lease
