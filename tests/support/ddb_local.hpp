#pragma once
// Access to the DynamoDB Local that the CTest fixture started (see tests/CMakeLists.txt).

#include <string>
#include <string_view>

namespace lease::testing {

/// The endpoint URL of DynamoDB Local ("http://127.0.0.1:PORT"). Fails the calling test (gtest
/// FAIL, never a skip) with the reason when it is not available.
std::string ddb_endpoint();

/// A table name unique to this process and call: "<prefix>-<pid>-<counter>-<random>".
std::string unique_table_name(std::string_view prefix);

/// Directory of the project's sources (for scripts and data).
std::string source_dir();

}  // namespace lease::testing
