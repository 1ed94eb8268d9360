#include "aws/sigv4.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "lease/error.hpp"

namespace lease::aws {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kTerminator = "aws4_request";

// Headers that proxies and transports add or rewrite: signing them would break the signature.
constexpr std::array<std::string_view, 6> kUnsignedHeaders = {
    "authorization", "user-agent", "x-amzn-trace-id", "expect", "connection", "transfer-encoding"};

using Digest = std::array<unsigned char, 32>;

// SHA-256 fetched once: the implicit fetch behind EVP_sha256() costs more than hashing a request.
[[nodiscard]] const EVP_MD* sha256_md() {
  static const EVP_MD* const md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched != nullptr ? fetched : EVP_sha256();
  }();
  return md;
}

[[nodiscard]] std::string to_hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0x0f]);
  }
  return out;
}

struct MacCtxFree {
  void operator()(EVP_MAC_CTX* ctx) const noexcept { EVP_MAC_CTX_free(ctx); }
};

// This thread's HMAC-SHA256 context. Set up once (fetching HMAC and SHA-256 by name is most of the
// cost of a one-shot HMAC()); each use re-keys it. Null when OpenSSL cannot provide it.
[[nodiscard]] EVP_MAC_CTX* thread_hmac() {
  thread_local const std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx = [] {
    std::unique_ptr<EVP_MAC_CTX, MacCtxFree> made;
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr) return made;
    made.reset(EVP_MAC_CTX_new(mac));
    EVP_MAC_free(mac);  // the context keeps its own reference
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_construct_end()};
    if (made && EVP_MAC_CTX_set_params(made.get(), params) != 1) made.reset();
    return made;
  }();
  return ctx.get();
}

[[nodiscard]] Digest hmac_sha256(const void* key, std::size_t key_size, std::string_view data) {
  Digest out{};
  std::size_t size = 0;
  EVP_MAC_CTX* ctx = thread_hmac();
  if (ctx == nullptr || EVP_MAC_init(ctx, static_cast<const unsigned char*>(key), key_size, nullptr) != 1 ||
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(ctx, out.data(), &size, out.size()) != 1 || size != out.size()) {
    throw lease::Error("Internal", "sigv4: OpenSSL HMAC-SHA256 failed");
  }
  return out;
}

[[nodiscard]] std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  return out;
}

[[nodiscard]] bool iequals(std::string_view a, std::string_view b) { return lower(a) == lower(b); }

[[nodiscard]] bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Trims the value and collapses each run of whitespace into one space.
[[nodiscard]] std::string canonical_header_value(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

// Replaces the first header named `name` (case-insensitive), drops the others, appends if none.
void set_header(std::vector<Header>& headers, std::string_view name, std::string value) {
  auto first = std::find_if(headers.begin(), headers.end(), [&](const Header& h) { return iequals(h.name, name); });
  if (first == headers.end()) {
    headers.push_back(Header{std::string(name), std::move(value)});
    return;
  }
  first->value = std::move(value);
  headers.erase(std::remove_if(std::next(first), headers.end(), [&](const Header& h) { return iequals(h.name, name); }),
                headers.end());
}

void erase_header(std::vector<Header>& headers, std::string_view name) {
  headers.erase(std::remove_if(headers.begin(), headers.end(), [&](const Header& h) { return iequals(h.name, name); }),
                headers.end());
}

[[nodiscard]] int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes; a '%' not followed by two hex digits stays literal.
[[nodiscard]] std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// RFC 3986 remove_dot_segments, also dropping empty segments ("//" -> "/").
[[nodiscard]] std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> segments;
  bool trailing_slash = false;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    const bool last = end == path.size();
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    if (last) trailing_slash = segment.empty() || segment == "." || segment == "..";
    start = end + 1;
  }
  std::string out;
  for (std::string_view segment : segments) {
    out.push_back('/');
    out.append(segment);
  }
  if (out.empty() || trailing_slash) out.push_back('/');
  return out;
}

struct CanonicalHeaders {
  std::string lines;   // "name:value\n" for each signed header, sorted by name
  std::string signed_names;  // "name1;name2;..."
};

[[nodiscard]] CanonicalHeaders canonical_headers(const std::vector<Header>& headers, bool omit_session_token) {
  std::map<std::string, std::string> by_name;  // sorted by lower-case name; duplicates joined with ','
  for (const Header& header : headers) {
    std::string name = lower(header.name);
    if (std::find(kUnsignedHeaders.begin(), kUnsignedHeaders.end(), name) != kUnsignedHeaders.end()) continue;
    if (omit_session_token && name == "x-amz-security-token") continue;
    auto [it, inserted] = by_name.try_emplace(std::move(name));
    if (!inserted) it->second.push_back(',');
    it->second.append(canonical_header_value(header.value));
  }
  CanonicalHeaders out;
  for (const auto& [name, value] : by_name) {
    out.lines.append(name).append(":").append(value).append("\n");
    if (!out.signed_names.empty()) out.signed_names.push_back(';');
    out.signed_names.append(name);
  }
  return out;
}

void require(bool condition, const char* message) {
  if (!condition) throw lease::InvalidArgument(message);
}

}  // namespace

std::string amz_date(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto seconds = floor<std::chrono::seconds>(time);
  const auto day = floor<days>(seconds);
  const year_month_day ymd{day};
  const hh_mm_ss hms{seconds - day};
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buffer;
}

std::string sha256_hex(std::string_view data) {
  // This thread's digest context, reused: a fresh one per call costs more than hashing a request.
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  Digest digest{};
  unsigned int size = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), sha256_md(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest.data(), &size) != 1 || size != digest.size()) {
    throw lease::Error("Internal", "sigv4: OpenSSL SHA-256 failed");
  }
  return to_hex(digest.data(), digest.size());
}

std::string uri_encode(std::string_view text, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                            (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' || byte == '_' || byte == '~';
    if (unreserved || (keep_slash && byte == '/')) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kDigits[byte >> 4]);
      out.push_back(kDigits[byte & 0x0f]);
    }
  }
  return out;
}

std::string canonical_path(std::string_view path, bool normalize) {
  if (path.empty()) return "/";
  return uri_encode(normalize ? normalize_path(path) : std::string(path), true);
}

std::string canonical_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view param = query.substr(start, end - start);
    if (!param.empty()) {
      const std::size_t eq = param.find('=');
      const std::string_view name = param.substr(0, eq);
      const std::string_view value = eq == std::string_view::npos ? std::string_view{} : param.substr(eq + 1);
      params.emplace_back(uri_encode(percent_decode(name), false), uri_encode(percent_decode(value), false));
    }
    start = end + 1;
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out.push_back('&');
    out.append(name).append("=").append(value);
  }
  return out;
}

SigningKey derive_signing_key(std::string_view secret_access_key, std::string_view date, std::string_view region,
                              std::string_view service) {
  std::string secret = "AWS4";
  secret.append(secret_access_key);
  Digest key = hmac_sha256(secret.data(), secret.size(), date);
  OPENSSL_cleanse(secret.data(), secret.size());
  for (std::string_view part : {region, service, kTerminator}) key = hmac_sha256(key.data(), key.size(), part);
  return key;
}

SigningKeyCache::~SigningKeyCache() { wipe(); }

void SigningKeyCache::wipe() noexcept {
  OPENSSL_cleanse(secret_.data(), secret_.size());
  OPENSSL_cleanse(key_.data(), key_.size());
  secret_.clear();
  scope_.clear();
}

SigningKey SigningKeyCache::get(std::string_view secret_access_key, std::string_view date, std::string_view region,
                                std::string_view service) {
  std::string scope;
  scope.reserve(date.size() + region.size() + service.size() + 2);
  scope.append(date).append("/").append(region).append("/").append(service);
  std::lock_guard lock(mutex_);
  if (scope == scope_ && secret_access_key == secret_ && !secret_.empty()) return key_;
  const SigningKey key = derive_signing_key(secret_access_key, date, region, service);
  wipe();
  secret_.assign(secret_access_key);
  scope_ = std::move(scope);
  key_ = key;
  ++derivations_;
  return key;
}

std::size_t SigningKeyCache::derivations() const {
  std::lock_guard lock(mutex_);
  return derivations_;
}

SigningResult sign(HttpRequest& request, const Credentials& credentials, const SigningParams& params,
                   SigningKeyCache* cache) {
  require(!credentials.access_key_id.empty(), "sigv4: the access key id is empty");
  require(!credentials.secret_access_key.empty(), "sigv4: the secret access key is empty");
  require(!params.region.empty(), "sigv4: the signing region is empty");
  require(!params.service.empty(), "sigv4: the signing service is empty");
  require(std::any_of(request.headers.begin(), request.headers.end(), [](const Header& h) { return iequals(h.name, "host"); }),
          "sigv4: the request has no Host header");

  const std::string timestamp = amz_date(params.time);
  const std::string date = timestamp.substr(0, 8);
  const std::string payload_hash = sha256_hex(request.body);
  const bool has_token = !credentials.session_token.empty();

  erase_header(request.headers, "Authorization");
  set_header(request.headers, "X-Amz-Date", timestamp);
  if (has_token) {
    set_header(request.headers, "X-Amz-Security-Token", credentials.session_token);
  } else {
    erase_header(request.headers, "X-Amz-Security-Token");
  }
  if (params.sign_body) set_header(request.headers, "X-Amz-Content-Sha256", payload_hash);

  const CanonicalHeaders headers = canonical_headers(request.headers, params.omit_session_token);
  SigningResult result;
  result.canonical_request.append(request.method).append("\n");
  result.canonical_request.append(canonical_path(request.path, params.normalize_path)).append("\n");
  result.canonical_request.append(canonical_query(request.query)).append("\n");
  result.canonical_request.append(headers.lines).append("\n");
  result.canonical_request.append(headers.signed_names).append("\n");
  result.canonical_request.append(payload_hash);

  std::string scope = date;
  scope.append("/").append(params.region).append("/").append(params.service).append("/").append(kTerminator);
  result.string_to_sign.append(kAlgorithm).append("\n").append(timestamp).append("\n").append(scope).append("\n");
  result.string_to_sign.append(sha256_hex(result.canonical_request));

  SigningKey key = cache != nullptr ? cache->get(credentials.secret_access_key, date, params.region, params.service)
                                     : derive_signing_key(credentials.secret_access_key, date, params.region, params.service);
  const Digest signature = hmac_sha256(key.data(), key.size(), result.string_to_sign);
  OPENSSL_cleanse(key.data(), key.size());
  result.signature = to_hex(signature.data(), signature.size());

  result.authorization.append(kAlgorithm).append(" Credential=").append(credentials.access_key_id).append("/");
  result.authorization.append(scope).append(", SignedHeaders=").append(headers.signed_names);
  result.authorization.append(", Signature=").append(result.signature);
  request.headers.push_back(Header{"Authorization", result.authorization});
  return result;
}

}  // namespace lease::aws
