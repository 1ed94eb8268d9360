// Fuzz target: what a caller or the environment hands the aws layer.
// Byte 0 picks the part under test:
//   'I' (or x % 4 == 1): the rest is an INI file -> lease::aws::parse_ini;
//   'E' (or x % 4 == 2): the rest is an endpoint URL -> lease::aws::parse_endpoint;
//   anything else: the rest is a request, "METHOD\nPATH\nQUERY\nName: value\n...\n\nBODY" ->
//     canonical_path, canonical_query and lease::aws::sign with fixed credentials and time
//     ('s' or an odd byte: session token, path left as is, signed body, token left unsigned).

#include <chrono>
#include <string>

#include "aws/endpoint.hpp"
#include "aws/ini.hpp"
#include "aws/sigv4.hpp"
#include "fuzz_support.hpp"

namespace {

namespace aws = lease::aws;
namespace fz = lease::fuzz;

constexpr std::string_view kSecret = "fuzzSecretKeyDoNotPrint/K7MDENG+bPxRfiCY";
constexpr std::string_view kToken = "fuzzSessionTokenDoNotPrint";

/// Cuts the text up to the next '\n' (or all of it) off the front of `text`.
std::string_view next_line(std::string_view& text) {
  const std::size_t end = std::min(text.find('\n'), text.size());
  const std::string_view line = text.substr(0, end);
  text.remove_prefix(std::min(end + 1, text.size()));
  return line;
}

aws::HttpRequest request_of(std::string_view text) {
  aws::HttpRequest request;
  request.method = std::string(next_line(text));
  request.path = std::string(next_line(text));
  request.query = std::string(next_line(text));
  request.headers.clear();
  while (!text.empty()) {
    const std::string_view line = next_line(text);
    if (line.empty()) break;
    const std::size_t colon = std::min(line.find(':'), line.size());
    request.headers.push_back({std::string(line.substr(0, colon)),
                               std::string(line.substr(std::min(colon + 1, line.size())))});
  }
  request.body = std::string(text);
  return request;
}

bool is_canonical_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~' || c == '%' || c == '/';
}

void fuzz_canonicalisation(const aws::HttpRequest& request) {
  for (const bool normalize : {true, false}) {
    const std::string path = aws::canonical_path(request.path, normalize);
    if (path.empty() || (normalize && path.front() != '/')) fz::fail("canonical path does not start with '/'");
    for (const char c : path) {
      if (!is_canonical_char(c)) fz::fail("canonical path holds an unencoded byte");
    }
  }
  const std::string query = aws::canonical_query(request.query);
  if (aws::canonical_query(query) != query) fz::fail("canonical_query is not idempotent");
}

void fuzz_sign(aws::HttpRequest request, bool variant, std::string_view input) {
  const aws::Credentials credentials{"AKIDFUZZEXAMPLE", std::string(kSecret), variant ? std::string(kToken) : ""};
  aws::SigningParams params{"us-east-1", "dynamodb", std::chrono::system_clock::time_point{} + std::chrono::seconds(1'440'938'160)};
  params.normalize_path = !variant;
  params.sign_body = variant;
  params.omit_session_token = variant;
  fuzz_canonicalisation(request);

  aws::SigningResult first;
  if (!fz::typed_errors_only("sign", [&] { first = aws::sign(request, credentials, params); })) return;
  // Signing the signed request again (a retry) gives the same signature.
  aws::SigningResult second;
  if (!fz::typed_errors_only("sign again", [&] { second = aws::sign(request, credentials, params); })) {
    fz::fail("a signed request could not be signed again");
  }
  if (first.signature != second.signature) fz::fail("signing twice gave two signatures");
  // The secret key never shows in what sign() produces (unless the input itself carried it).
  if (input.find(kSecret) == std::string_view::npos) {
    for (const std::string* text : {&first.canonical_request, &first.string_to_sign, &first.authorization}) {
      if (text->find(kSecret) != std::string::npos) fz::fail("the secret key leaked into the signature");
    }
  }
}

void fuzz_ini(std::string_view text) {
  aws::IniFile file;
  if (!fz::typed_errors_only("parse_ini", [&] { file = aws::parse_ini(text, "fuzz.ini"); })) return;
  for (const auto& [name, section] : file.sections) {
    if (name.empty()) fz::fail("a section without a name");
    for (const auto& [key, value] : section) {
      if (key.empty()) fz::fail("a property without a key");
    }
  }
}

void fuzz_endpoint(std::string_view text) {
  aws::Endpoint endpoint;
  if (!fz::typed_errors_only("parse_endpoint", [&] { endpoint = aws::parse_endpoint(text); })) return;
  if (!endpoint.url.starts_with("http://") && !endpoint.url.starts_with("https://")) fz::fail("bad scheme");
  if (endpoint.host.empty()) fz::fail("an endpoint without a host");
  // What parse_endpoint returns parses again to itself.
  aws::Endpoint again;
  if (!fz::typed_errors_only("parse_endpoint again", [&] { again = aws::parse_endpoint(endpoint.url); })) {
    fz::fail("a parsed endpoint does not parse again");
  }
  if (again.url != endpoint.url || again.host != endpoint.host) fz::fail("parse_endpoint is not idempotent");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  const std::string_view rest = fz::as_text(data + 1, size - 1);
  if (mode == 'I' || (mode != 'S' && mode != 's' && mode != 'E' && mode % 4 == 1)) {
    fuzz_ini(rest);
  } else if (mode == 'E' || (mode != 'S' && mode != 's' && mode % 4 == 2)) {
    fuzz_endpoint(rest);
  } else {
    fuzz_sign(request_of(rest), mode == 's' || (mode != 'S' && mode % 2 == 1), rest);
  }
  return 0;
}
