#include "aws/config.hpp"

#include <cstdlib>
#include <initializer_list>
#include <utility>

#include "aws/ini.hpp"
#include "aws/endpoint.hpp"
#include "lease/error.hpp"

namespace lease::aws {
namespace {

constexpr std::string_view kAccessKeyId = "aws_access_key_id";
constexpr std::string_view kSecretAccessKey = "aws_secret_access_key";
constexpr std::string_view kSessionToken = "aws_session_token";

/// A value and where it was found (for messages; never a secret).
struct Found {
  std::string value;
  std::string origin;
};

/// The profile to read, and who named it.
struct Profile {
  std::string name;
  std::string named_by;  // "ClientOptions::profile", "AWS_PROFILE", or empty for the default
};

/// One shared file and the profile's section in it.
struct SharedFile {
  std::string kind;     // "shared credentials file" or "shared config file"
  std::string path;     // empty when there is no home directory to find it in
  std::optional<IniFile> ini;
  std::string section_name;  // as it appears between brackets (the one found, else the one expected)
  const IniSection* section = nullptr;

  [[nodiscard]] std::string where() const {
    return kind + " " + (path.empty() ? std::string("~/.aws/...") : path) + " [" + section_name + "]";
  }
  /// Why nothing came from this file (for the "looked in" lists).
  [[nodiscard]] std::string missing(std::string_view what) const {
    if (path.empty()) return where() + " (no home directory)";
    if (!ini) return where() + " (no such file)";
    if (section == nullptr) return where() + " (no such section)";
    return where() + " (no " + std::string(what) + ")";
  }
  /// The non-empty value of `key` in the profile's section.
  [[nodiscard]] std::optional<std::string> value(std::string_view key) const {
    if (section == nullptr) return std::nullopt;
    const auto it = section->find(key);
    if (it == section->end() || it->second.empty()) return std::nullopt;
    return it->second;
  }
};

struct SharedFiles {
  SharedFile credentials;
  SharedFile config;
};

[[nodiscard]] std::optional<std::string> env_value(const Environment& env, std::string_view name) {
  if (!env.get) return std::nullopt;
  auto value = env.get(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

/// The first of the option and the variables that is set.
[[nodiscard]] std::optional<Found> option_or_env(std::string_view option, std::string_view option_name,
                                                 const Environment& env, std::initializer_list<std::string_view> vars) {
  if (!option.empty()) return Found{std::string(option), std::string(option_name)};
  for (std::string_view var : vars) {
    if (auto value = env_value(env, var)) return Found{std::move(*value), std::string(var)};
  }
  return std::nullopt;
}

[[nodiscard]] std::string path_from(const Environment& env, std::string_view var, std::string_view under_home) {
  std::string path = env_value(env, var).value_or("");
  if (path.empty()) return env.home.empty() ? std::string() : env.home + "/" + std::string(under_home);
  if (!env.home.empty() && (path == "~" || path.starts_with("~/"))) path = env.home + path.substr(1);
  return path;
}

[[nodiscard]] bool is_blank(char c) { return c == ' ' || c == '\t'; }

/// In the config file the profile NAME is "[profile NAME]" ("[default]" too for the default one).
[[nodiscard]] const IniSection* config_section(const IniFile& ini, const std::string& name, std::string& found_as) {
  for (const auto& [section, properties] : ini.sections) {
    std::string_view rest(section);
    if (!rest.starts_with("profile") || rest.size() <= 7 || !is_blank(rest[7])) continue;
    rest.remove_prefix(7);
    while (!rest.empty() && is_blank(rest.front())) rest.remove_prefix(1);
    if (rest == name) {
      found_as = section;
      return &properties;
    }
  }
  if (name == "default") {
    if (const IniSection* section = ini.section("default")) {
      found_as = "default";
      return section;
    }
  }
  return nullptr;
}

[[nodiscard]] SharedFiles load_shared_files(const Environment& env, const Profile& profile) {
  SharedFiles files;
  files.credentials.kind = "shared credentials file";
  files.credentials.path = path_from(env, "AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
  files.credentials.section_name = profile.name;
  files.config.kind = "shared config file";
  files.config.path = path_from(env, "AWS_CONFIG_FILE", ".aws/config");
  files.config.section_name = profile.name == "default" ? "default" : "profile " + profile.name;

  if (!files.credentials.path.empty()) files.credentials.ini = load_ini(files.credentials.path);
  if (!files.config.path.empty()) files.config.ini = load_ini(files.config.path);
  if (files.credentials.ini) files.credentials.section = files.credentials.ini->section(profile.name);
  if (files.config.ini) files.config.section = config_section(*files.config.ini, profile.name, files.config.section_name);

  if (!profile.named_by.empty() && files.credentials.section == nullptr && files.config.section == nullptr) {
    throw lease::ConfigurationError("profile '" + profile.name + "' (from " + profile.named_by +
                                    ") does not exist; searched " + files.credentials.missing("") + " and " +
                                    files.config.missing(""));
  }
  return files;
}

[[nodiscard]] Profile select_profile(const lease::ClientOptions& options, const Environment& env) {
  if (auto found = option_or_env(options.profile, "ClientOptions::profile", env, {"AWS_PROFILE"})) {
    return Profile{std::move(found->value), std::move(found->origin)};
  }
  return Profile{"default", {}};
}

/// Both keys or neither: a lone access key id or secret is an error naming what is missing.
[[nodiscard]] std::optional<Credentials> complete_pair(std::optional<std::string> id, std::optional<std::string> secret,
                                                       std::optional<std::string> token, std::string_view where,
                                                       std::string_view id_name, std::string_view secret_name) {
  if (!id && !secret) return std::nullopt;
  if (!id || !secret) {
    throw lease::ConfigurationError(std::string(where) + " has " + std::string(id ? id_name : secret_name) +
                                    " but no " + std::string(id ? secret_name : id_name));
  }
  return Credentials{std::move(*id), std::move(*secret), token.value_or("")};
}

[[nodiscard]] std::optional<Credentials> credentials_in(const SharedFile& file) {
  return complete_pair(file.value(kAccessKeyId), file.value(kSecretAccessKey), file.value(kSessionToken), file.where(),
                       kAccessKeyId, kSecretAccessKey);
}

/// Why a shared file gave no credentials, naming a kind of profile that lease does not support.
[[nodiscard]] std::string missing_credentials(const SharedFile& file) {
  std::string why = file.missing(kAccessKeyId);
  if (file.section == nullptr) return why;
  for (std::string_view key : {"role_arn", "credential_process", "sso_session", "sso_start_url", "web_identity_token_file"}) {
    if (file.value(key)) return why.insert(why.size() - 1, "; " + std::string(key) + " is not supported");
  }
  return why;
}

void resolve_credentials(const lease::ClientOptions& options, const Environment& env, const Profile& profile,
                         const std::function<const SharedFiles&()>& shared, ResolvedConfig& out) {
  if (options.credentials) {
    const lease::StaticCredentials& given = *options.credentials;
    if (given.access_key_id.empty() || given.secret_access_key.empty()) {
      throw lease::ConfigurationError(std::string("ClientOptions::credentials has an empty ") +
                                      (given.access_key_id.empty() ? "access_key_id" : "secret_access_key"));
    }
    out.credentials = Credentials{given.access_key_id, given.secret_access_key, given.session_token};
    out.credentials_source = "explicit";
    return;
  }
  if (auto from_env = complete_pair(env_value(env, "AWS_ACCESS_KEY_ID"), env_value(env, "AWS_SECRET_ACCESS_KEY"),
                                    env_value(env, "AWS_SESSION_TOKEN"), "the environment", "AWS_ACCESS_KEY_ID",
                                    "AWS_SECRET_ACCESS_KEY")) {
    out.credentials = std::move(*from_env);
    out.credentials_source = "environment";
    return;
  }
  const SharedFiles& files = shared();
  for (const SharedFile* file : {&files.credentials, &files.config}) {
    if (auto found = credentials_in(*file)) {
      out.credentials = std::move(*found);
      out.credentials_source = file->where();
      return;
    }
  }
  throw lease::ConfigurationError(
      "no AWS credentials found for profile '" + profile.name +
      "'; looked in: ClientOptions::credentials (not set); environment AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
      "(not set); " +
      missing_credentials(files.credentials) + "; " + missing_credentials(files.config));
}

[[nodiscard]] bool valid_region(std::string_view region) {
  for (char c : region) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return !region.empty() && region.front() != '-' && region.back() != '-';
}

[[nodiscard]] std::string resolve_region(const lease::ClientOptions& options, const Environment& env,
                                         const std::function<const SharedFiles&()>& shared) {
  auto found = option_or_env(options.region, "ClientOptions::region", env, {"AWS_REGION", "AWS_DEFAULT_REGION"});
  if (!found) {
    const SharedFile& config = shared().config;
    if (auto region = config.value("region")) {
      found = Found{std::move(*region), config.where()};
    } else {
      throw lease::ConfigurationError(
          "no AWS region configured; looked in: ClientOptions::region (not set); AWS_REGION (not set); "
          "AWS_DEFAULT_REGION (not set); " +
          config.missing("region"));
    }
  }
  if (!valid_region(found->value)) {
    throw lease::ConfigurationError("invalid region '" + found->value + "' from " + found->origin +
                                    ": expected lower-case letters, digits and '-', like us-east-1");
  }
  return std::move(found->value);
}

[[nodiscard]] std::string resolve_endpoint(const lease::ClientOptions& options, const Environment& env,
                                           const std::string& region, const std::function<const SharedFiles&()>& shared) {
  auto found = option_or_env(options.endpoint_url, "ClientOptions::endpoint_url", env,
                             {"AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL"});
  if (!found) {
    const SharedFile& config = shared().config;
    if (auto url = config.value("endpoint_url")) found = Found{std::move(*url), config.where()};
  }
  if (!found) {
    return "https://dynamodb." + region + (region.starts_with("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com");
  }
  try {
    return parse_endpoint(found->value).url;
  } catch (const lease::ConfigurationError& e) {
    throw lease::ConfigurationError(std::string(e.what()) + " (from " + found->origin + ")");
  }
}

}  // namespace

Environment Environment::process() {
  Environment env;
  env.get = [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  env.home = env_value(env, "HOME").value_or(env_value(env, "USERPROFILE").value_or(""));
  return env;
}

ResolvedConfig resolve_config(const lease::ClientOptions& options, const Environment& env) {
  const Profile profile = select_profile(options, env);
  std::optional<SharedFiles> files;  // read on first need only
  const std::function<const SharedFiles&()> shared = [&]() -> const SharedFiles& {
    if (!files) files = load_shared_files(env, profile);
    return *files;
  };

  ResolvedConfig out;
  resolve_credentials(options, env, profile, shared, out);
  out.region = resolve_region(options, env, shared);
  out.endpoint = resolve_endpoint(options, env, out.region, shared);
  return out;
}

}  // namespace lease::aws
