// SigV4 signer: the published aws-c-auth vectors (one test per case) and the signer's own contract.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "aws/sigv4.hpp"
#include "lease/error.hpp"

namespace lease::aws {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------------
// Vector plumbing

const fs::path& vectors_dir() {
  static const fs::path dir = fs::path(LEASE_SOURCE_DIR) / ".." / "shared" / "aws-signing-test-suite" / "v4";
  return dir;
}

constexpr const char* kNoVectors = "(vectors missing)";

// Every case directory, sorted; a single placeholder when the suite is absent so that the test can
// say where it looked instead of silently generating nothing.
std::vector<std::string> case_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(vectors_dir(), ec)) {
    if (entry.is_directory() && fs::exists(entry.path() / "request.txt")) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  if (names.empty()) names.emplace_back(kNoVectors);
  return names;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string strip_trailing_newlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// Parses a raw HTTP request: request line, headers (continuation lines folded into the previous
// value with a space, duplicate names kept in order), blank line, body.
HttpRequest parse_raw_request(const std::string& raw) {
  HttpRequest request;
  request.headers.clear();
  std::size_t pos = 0;
  auto next_line = [&](std::string& line) {
    if (pos >= raw.size()) return false;
    std::size_t end = raw.find('\n', pos);
    if (end == std::string::npos) end = raw.size();
    line = raw.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    pos = end + 1;
    return true;
  };
  std::string line;
  if (!next_line(line)) throw std::runtime_error("empty request");
  // "METHOD target HTTP/1.1": the target may contain spaces.
  const std::size_t first = line.find(' ');
  const std::size_t last = line.rfind(' ');
  if (first == std::string::npos || last <= first) throw std::runtime_error("bad request line");
  request.method = line.substr(0, first);
  const std::string target = line.substr(first + 1, last - first - 1);
  const std::size_t question = target.find('?');
  request.path = target.substr(0, question);
  request.query = question == std::string::npos ? "" : target.substr(question + 1);
  while (next_line(line) && !line.empty()) {
    if (line.front() == ' ' || line.front() == '\t') {
      if (request.headers.empty()) throw std::runtime_error("continuation before any header");
      request.headers.back().value += " " + line;
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) throw std::runtime_error("bad header line");
    request.headers.push_back(Header{line.substr(0, colon), line.substr(colon + 1)});
  }
  request.body = pos < raw.size() ? raw.substr(pos) : "";
  return request;
}

std::chrono::system_clock::time_point parse_timestamp(const std::string& text) {
  int y = 0;
  unsigned mo = 0, d = 0;
  int h = 0, mi = 0, s = 0;
  if (std::sscanf(text.c_str(), "%d-%u-%uT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &s) != 6) {
    throw std::runtime_error("bad timestamp " + text);
  }
  using namespace std::chrono;
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

struct VectorCase {
  HttpRequest request;
  Credentials credentials;
  SigningParams params;
};

VectorCase load_case(const fs::path& dir) {
  const auto context = nlohmann::json::parse(read_text(dir / "context.json"));
  VectorCase c;
  c.request = parse_raw_request(read_text(dir / "request.txt"));
  const auto& creds = context.at("credentials");
  c.credentials.access_key_id = creds.at("access_key_id").get<std::string>();
  c.credentials.secret_access_key = creds.at("secret_access_key").get<std::string>();
  c.credentials.session_token = creds.value("token", "");
  c.params.region = context.at("region").get<std::string>();
  c.params.service = context.at("service").get<std::string>();
  c.params.time = parse_timestamp(context.at("timestamp").get<std::string>());
  c.params.normalize_path = context.value("normalize", true);
  c.params.sign_body = context.value("sign_body", false);
  c.params.omit_session_token = context.value("omit_session_token", false);
  return c;
}

// The Authorization header of the expected signed request.
std::string expected_authorization(const fs::path& dir) {
  std::istringstream lines(read_text(dir / "header-signed-request.txt"));
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("Authorization:", 0) == 0) return strip_trailing_newlines(line.substr(14));
  }
  return {};
}

std::string case_test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

// ---------------------------------------------------------------------------------------------
// The published vectors

class Sigv4VectorTest : public ::testing::TestWithParam<std::string> {};

TEST_P(Sigv4VectorTest, MatchesHeaderSigningVector) {
  if (GetParam() == kNoVectors) {
    GTEST_SKIP() << "SigV4 test vectors not found (or empty) at " << vectors_dir().string()
                 << ": they live in the shared folder beside the project (../shared/aws-signing-test-suite/v4),"
                    " which a standalone clone does not have";
  }
  const fs::path dir = vectors_dir() / GetParam();
  VectorCase c = load_case(dir);

  const SigningResult result = sign(c.request, c.credentials, c.params);

  EXPECT_EQ(result.canonical_request, strip_trailing_newlines(read_text(dir / "header-canonical-request.txt")));
  EXPECT_EQ(result.string_to_sign, strip_trailing_newlines(read_text(dir / "header-string-to-sign.txt")));
  EXPECT_EQ(result.signature, strip_trailing_newlines(read_text(dir / "header-signature.txt")));
  EXPECT_EQ(result.authorization, expected_authorization(dir));
}

INSTANTIATE_TEST_SUITE_P(AwsSigningTestSuite, Sigv4VectorTest, ::testing::ValuesIn(case_names()), case_test_name);

// ---------------------------------------------------------------------------------------------
// The signer's own contract

const Credentials kCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};

SigningParams dynamodb_params() {
  using namespace std::chrono;
  return SigningParams{"us-east-1", "dynamodb", sys_days{2015y / August / 30} + 12h + 36min};
}

HttpRequest dynamodb_request() {
  HttpRequest request;
  request.headers = {{"Host", "dynamodb.us-east-1.amazonaws.com"},
                     {"Content-Type", "application/x-amz-json-1.0"},
                     {"X-Amz-Target", "DynamoDB_20120810.GetItem"}};
  request.body = R"({"TableName":"leases","Key":{"pk":{"S":"a"}}})";
  return request;
}

std::vector<std::string> header_values(const HttpRequest& request, std::string_view name) {
  std::vector<std::string> values;
  for (const Header& h : request.headers) {
    if (h.name == name) values.push_back(h.value);
  }
  return values;
}

TEST(Sigv4Test, DerivesTheSigningKeyOfTheAwsDocumentation) {
  // The worked example of the AWS documentation ("Examples of how to derive a signing key").
  const SigningKey key = derive_signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
  std::string hex;
  for (unsigned char b : key) {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02x", b);
    hex += buf;
  }
  EXPECT_EQ(hex, "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(Sigv4Test, SignsADynamoDbPostWithItsBodyHash) {
  HttpRequest request = dynamodb_request();
  const SigningResult result = sign(request, kCredentials, dynamodb_params());

  EXPECT_EQ(header_values(request, "X-Amz-Date"), std::vector<std::string>{"20150830T123600Z"});
  EXPECT_EQ(header_values(request, "Authorization"), std::vector<std::string>{result.authorization});
  EXPECT_NE(result.canonical_request.find("POST\n/\n\n"), std::string::npos);
  EXPECT_TRUE(result.canonical_request.ends_with("\n" + sha256_hex(request.body)));
  EXPECT_NE(result.authorization.find("Credential=AKIDEXAMPLE/20150830/us-east-1/dynamodb/aws4_request, "
                                      "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature="),
            std::string::npos)
      << result.authorization;
  EXPECT_TRUE(header_values(request, "X-Amz-Security-Token").empty());
}

TEST(Sigv4Test, SessionTokenAddsASignedSecurityTokenHeader) {
  Credentials with_token = kCredentials;
  with_token.session_token = "FQoGZXIvYXdzEXAMPLETOKEN==";
  HttpRequest plain = dynamodb_request();
  HttpRequest request = dynamodb_request();

  const SigningResult without = sign(plain, kCredentials, dynamodb_params());
  const SigningResult result = sign(request, with_token, dynamodb_params());

  EXPECT_EQ(header_values(request, "X-Amz-Security-Token"), std::vector<std::string>{with_token.session_token});
  EXPECT_NE(result.canonical_request.find("\nx-amz-security-token:FQoGZXIvYXdzEXAMPLETOKEN==\n"), std::string::npos);
  EXPECT_NE(result.authorization.find("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,"),
            std::string::npos)
      << result.authorization;
  EXPECT_NE(result.signature, without.signature);
}

TEST(Sigv4Test, OmittedSessionTokenIsSentButNotSigned) {
  Credentials with_token = kCredentials;
  with_token.session_token = "FQoGZXIvYXdzEXAMPLETOKEN==";
  SigningParams params = dynamodb_params();
  params.omit_session_token = true;
  HttpRequest request = dynamodb_request();

  const SigningResult result = sign(request, with_token, params);

  EXPECT_EQ(header_values(request, "X-Amz-Security-Token"), std::vector<std::string>{with_token.session_token});
  EXPECT_EQ(result.canonical_request.find("x-amz-security-token"), std::string::npos);
}

TEST(Sigv4Test, IsPureForTheSameInputs) {
  HttpRequest first = dynamodb_request();
  HttpRequest second = dynamodb_request();
  const SigningResult a = sign(first, kCredentials, dynamodb_params());
  const SigningResult b = sign(second, kCredentials, dynamodb_params());

  EXPECT_EQ(a.canonical_request, b.canonical_request);
  EXPECT_EQ(a.string_to_sign, b.string_to_sign);
  EXPECT_EQ(a.signature, b.signature);
  EXPECT_EQ(a.authorization, b.authorization);
  ASSERT_EQ(first.headers.size(), second.headers.size());
  for (std::size_t i = 0; i < first.headers.size(); ++i) {
    EXPECT_EQ(first.headers[i].name, second.headers[i].name);
    EXPECT_EQ(first.headers[i].value, second.headers[i].value);
  }
}

TEST(Sigv4Test, ResigningReplacesDateTokenAndAuthorization) {
  Credentials with_token = kCredentials;
  with_token.session_token = "OLDTOKEN";
  HttpRequest request = dynamodb_request();
  sign(request, with_token, dynamodb_params());

  SigningParams later = dynamodb_params();
  later.time += 90s;
  const SigningResult again = sign(request, kCredentials, later);  // new time, token gone

  HttpRequest fresh = dynamodb_request();
  const SigningResult expected = sign(fresh, kCredentials, later);
  EXPECT_EQ(again.signature, expected.signature);
  EXPECT_EQ(header_values(request, "Authorization"), std::vector<std::string>{expected.authorization});
  EXPECT_EQ(header_values(request, "X-Amz-Date"), std::vector<std::string>{"20150830T123730Z"});
  EXPECT_TRUE(header_values(request, "X-Amz-Security-Token").empty());
}

TEST(Sigv4Test, LeavesTransportHeadersUnsigned) {
  HttpRequest request = dynamodb_request();
  request.headers.push_back({"User-Agent", "lease/0.1"});
  request.headers.push_back({"Connection", "keep-alive"});
  const SigningResult result = sign(request, kCredentials, dynamodb_params());
  EXPECT_EQ(result.canonical_request.find("user-agent"), std::string::npos);
  EXPECT_EQ(result.canonical_request.find("connection"), std::string::npos);
}

TEST(Sigv4Test, RejectsMissingInputsWithoutLeakingTheSecret) {
  HttpRequest no_host = dynamodb_request();
  no_host.headers.erase(no_host.headers.begin());
  try {
    sign(no_host, kCredentials, dynamodb_params());
    FAIL() << "signing without a Host header succeeded";
  } catch (const lease::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("Host"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find(kCredentials.secret_access_key), std::string::npos);
  }
  HttpRequest request = dynamodb_request();
  EXPECT_THROW(sign(request, Credentials{"AKIDEXAMPLE", "", ""}, dynamodb_params()), lease::InvalidArgument);
  SigningParams no_region = dynamodb_params();
  no_region.region.clear();
  EXPECT_THROW(sign(request, kCredentials, no_region), lease::InvalidArgument);
}

TEST(Sigv4Test, CanonicalPathEncodesTwiceAndNormalisesOnRequest) {
  EXPECT_EQ(canonical_path("/a%20b/c d", false), "/a%2520b/c%20d");
  EXPECT_EQ(canonical_path("", true), "/");
  EXPECT_EQ(canonical_path("/a/b/../c/./d//", true), "/a/c/d/");
  EXPECT_EQ(canonical_path("/a/b/..", true), "/a/");
  EXPECT_EQ(canonical_path("/a/b/../c/./d//", false), "/a/b/../c/./d//");
}

TEST(Sigv4Test, CanonicalQuerySortsAndReencodes) {
  EXPECT_EQ(canonical_query("b=2&a=%7e1&a=0&flag&c=x+y%2"), "a=0&a=~1&b=2&c=x%2By%252&flag=");
  EXPECT_EQ(canonical_query(""), "");
}

TEST(Sigv4Test, FormatsAmzDateInUtc) {
  using namespace std::chrono;
  EXPECT_EQ(amz_date(sys_days{2024y / February / 29} + 23h + 59min + 59s + 999ms), "20240229T235959Z");
  EXPECT_EQ(amz_date(sys_days{1969y / December / 31} + 1s), "19691231T000001Z");
}

}  // namespace
}  // namespace lease::aws
