// SigningKeyCache: signing with the cached key gives the very same signature, and the key is derived
// again only when the day, region, service or secret changes.

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "aws/sigv4.hpp"

namespace lease::aws {
namespace {

using std::chrono::hours;

const Credentials kCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
const auto kTime = std::chrono::sys_days{std::chrono::year{2015} / 8 / 30} + hours(12) + std::chrono::minutes(36);

HttpRequest dynamodb_post() {
  HttpRequest request;
  request.headers = {{"Host", "dynamodb.us-east-1.amazonaws.com"},
                     {"Content-Type", "application/x-amz-json-1.0"},
                     {"X-Amz-Target", "DynamoDB_20120810.GetItem"}};
  request.body = R"({"TableName":"jobs","Key":{"id":{"S":"a"}}})";
  return request;
}

SigningParams params_at(std::chrono::system_clock::time_point time, std::string region = "us-east-1") {
  return SigningParams{.region = std::move(region), .service = "dynamodb", .time = time};
}

TEST(SigningKeyCacheTest, CachedKeyGivesTheSameSignature) {
  SigningKeyCache cache;
  HttpRequest plain = dynamodb_post();
  HttpRequest cached = dynamodb_post();
  const SigningResult expected = sign(plain, kCredentials, params_at(kTime));
  const SigningResult first = sign(cached, kCredentials, params_at(kTime), &cache);
  HttpRequest again = dynamodb_post();
  const SigningResult second = sign(again, kCredentials, params_at(kTime), &cache);
  EXPECT_EQ(first.authorization, expected.authorization);
  EXPECT_EQ(second.authorization, expected.authorization);
  ASSERT_EQ(cached.headers.size(), plain.headers.size());
  for (std::size_t i = 0; i < plain.headers.size(); ++i) {
    EXPECT_EQ(cached.headers[i].name, plain.headers[i].name);
    EXPECT_EQ(cached.headers[i].value, plain.headers[i].value);
  }
  EXPECT_EQ(cache.derivations(), 1u);
}

TEST(SigningKeyCacheTest, DerivesAgainForANewDayRegionOrSecret) {
  SigningKeyCache cache;
  const auto key = cache.get("secret", "20150830", "us-east-1", "dynamodb");
  EXPECT_EQ(cache.get("secret", "20150830", "us-east-1", "dynamodb"), key);
  EXPECT_EQ(cache.derivations(), 1u);
  EXPECT_NE(cache.get("secret", "20150831", "us-east-1", "dynamodb"), key);
  EXPECT_EQ(cache.derivations(), 2u);
  (void)cache.get("secret", "20150831", "eu-west-1", "dynamodb");
  EXPECT_EQ(cache.derivations(), 3u);
  const auto rotated = cache.get("rotated", "20150831", "eu-west-1", "dynamodb");
  EXPECT_EQ(cache.derivations(), 4u);
  EXPECT_EQ(rotated, derive_signing_key("rotated", "20150831", "eu-west-1", "dynamodb"));
}

TEST(SigningKeyCacheTest, SharedAcrossThreadsEverySignatureMatches) {
  SigningKeyCache cache;
  HttpRequest reference = dynamodb_post();
  const std::string expected = sign(reference, kCredentials, params_at(kTime)).authorization;
  std::vector<std::string> got(4);
  {
    std::vector<std::jthread> threads;
    for (std::size_t t = 0; t < got.size(); ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 50; ++i) {
          HttpRequest request = dynamodb_post();
          got[t] = sign(request, kCredentials, params_at(kTime), &cache).authorization;
          if (got[t] != expected) return;
        }
      });
    }
  }
  for (const auto& authorization : got) EXPECT_EQ(authorization, expected);
  EXPECT_EQ(cache.derivations(), 1u);
}

}  // namespace
}  // namespace lease::aws
