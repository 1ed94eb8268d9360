#include "support/ddb_local.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>

namespace lease::testing {

std::string ddb_endpoint() {
  if (const char* direct = std::getenv("LEASE_TEST_ENDPOINT"); direct != nullptr && *direct != '\0') {
    return direct;
  }
  const char* file = std::getenv("LEASE_TEST_ENDPOINT_FILE");
  if (file == nullptr || *file == '\0') {
    ADD_FAILURE() << "LEASE_TEST_ENDPOINT_FILE is not set: run the integration tests through ctest "
                     "(./scripts/test), which starts DynamoDB Local";
    throw std::runtime_error("no DynamoDB Local endpoint");
  }
  std::ifstream in(file);
  std::string endpoint;
  if (!(in >> endpoint) || endpoint.empty()) {
    ADD_FAILURE() << "DynamoDB Local is not running: " << file
                  << " is missing or empty (the dynamodb_local_start fixture failed; see its output)";
    throw std::runtime_error("no DynamoDB Local endpoint");
  }
  return endpoint;
}

std::string unique_table_name(std::string_view prefix) {
  static std::atomic<unsigned> counter{0};
  static const unsigned salt = std::random_device{}() % 100000;
  return std::string(prefix) + "-" + std::to_string(::getpid()) + "-" + std::to_string(salt) + "-" +
         std::to_string(counter.fetch_add(1));
}

std::string source_dir() { return LEASE_SOURCE_DIR; }

}  // namespace lease::testing
