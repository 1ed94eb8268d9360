// aws::parse_endpoint: what errors say about a bad endpoint, never a password.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "aws/endpoint.hpp"
#include "lease/error.hpp"

namespace lease::aws {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string message_of(std::string_view url) {
  try {
    (void)parse_endpoint(url);
  } catch (const ConfigurationError& e) {
    return e.what();
  }
  return "<accepted>";
}

TEST(EndpointTest, UserInfoIsRejectedWithoutRepeatingThePassword) {
  const auto message = message_of("http://admin:hunter2@127.0.0.1:8000");
  EXPECT_THAT(message, HasSubstr("user info"));
  EXPECT_THAT(message, HasSubstr("127.0.0.1:8000"));
  EXPECT_THAT(message, Not(HasSubstr("hunter2")));
  EXPECT_THAT(message, Not(HasSubstr("admin")));
}

TEST(EndpointTest, UserInfoWithAPathIsRedactedToo) {
  const auto message = message_of("https://key:s3cr3t@example.com/path?q=1");
  EXPECT_THAT(message, Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(message, HasSubstr("example.com"));
}

TEST(EndpointTest, MessagesNameTheBadEndpoint) {
  EXPECT_THAT(message_of("ftp://x"), HasSubstr("ftp://x"));
  EXPECT_THAT(message_of("http://x/path"), HasSubstr("must not have a path"));
}

}  // namespace
}  // namespace lease::aws
