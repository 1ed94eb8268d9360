// Configuration resolution (options > environment > shared files) and the shared-file INI reader.

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>

#include "aws/config.hpp"
#include "aws/ini.hpp"
#include "lease/error.hpp"

namespace lease::aws {
namespace {

namespace fs = std::filesystem;

constexpr const char* kEnvSecret = "ENVsecretDoNotPrint/0123456789abcdefghij";
constexpr const char* kFileSecret = "FILEsecretDoNotPrint/0123456789abcdefghij";
constexpr const char* kConfigSecret = "CONFIGsecretDoNotPrint/0123456789abcdefg";
constexpr const char* kToken = "TOKENdoNotPrint==";

// A fresh home directory and an injected environment for each test.
class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    home_ = fs::temp_directory_path() / ("lease-config-test-" + std::to_string(::getpid()) + "-" +
                                         std::to_string(counter++) + "-" + std::to_string(std::random_device{}()));
    fs::create_directories(home_ / ".aws");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(home_, ec);
  }

  [[nodiscard]] Environment env() const {
    return Environment{[vars = vars_](std::string_view name) -> std::optional<std::string> {
                         const auto it = vars.find(std::string(name));
                         if (it == vars.end()) return std::nullopt;
                         return it->second;
                       },
                       home_.string()};
  }
  [[nodiscard]] ResolvedConfig resolve() const { return resolve_config(options_, env()); }

  // The message of the ConfigurationError that resolve() throws (fails the test if none).
  [[nodiscard]] std::string error_message() const {
    try {
      (void)resolve();
    } catch (const lease::ConfigurationError& e) {
      return e.what();
    }
    ADD_FAILURE() << "resolve_config did not throw ConfigurationError";
    return {};
  }

  static void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }
  [[nodiscard]] fs::path credentials_file() const { return home_ / ".aws" / "credentials"; }
  [[nodiscard]] fs::path config_file() const { return home_ / ".aws" / "config"; }

  void set_env_credentials() {
    vars_["AWS_ACCESS_KEY_ID"] = "AKIDENV";
    vars_["AWS_SECRET_ACCESS_KEY"] = kEnvSecret;
  }
  void write_default_credentials() {
    write(credentials_file(), std::string("[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = ") +
                                  kFileSecret + "\n");
  }

  fs::path home_;
  std::map<std::string, std::string> vars_{{"AWS_REGION", "eu-west-1"}};
  lease::ClientOptions options_;
};

void expect_no_secret(const std::string& message) {
  for (const char* secret : {kEnvSecret, kFileSecret, kConfigSecret, kToken}) {
    EXPECT_EQ(message.find(secret), std::string::npos) << "secret leaked in: " << message;
  }
}

// ---------------------------------------------------------------------------------------------
// Credentials

TEST_F(ConfigTest, ExplicitCredentialsBeatEnvironmentAndFiles) {
  set_env_credentials();
  write_default_credentials();
  options_.credentials = lease::StaticCredentials{"AKIDEXPLICIT", "explicit-secret", "explicit-token"};

  const ResolvedConfig config = resolve();
  EXPECT_EQ(config.credentials.access_key_id, "AKIDEXPLICIT");
  EXPECT_EQ(config.credentials.secret_access_key, "explicit-secret");
  EXPECT_EQ(config.credentials.session_token, "explicit-token");
  EXPECT_EQ(config.credentials_source, "explicit");
}

TEST_F(ConfigTest, EnvironmentBeatsFilesAndCarriesTheSessionToken) {
  set_env_credentials();
  vars_["AWS_SESSION_TOKEN"] = kToken;
  write_default_credentials();

  const ResolvedConfig config = resolve();
  EXPECT_EQ(config.credentials.access_key_id, "AKIDENV");
  EXPECT_EQ(config.credentials.secret_access_key, kEnvSecret);
  EXPECT_EQ(config.credentials.session_token, kToken);
  EXPECT_EQ(config.credentials_source, "environment");
}

TEST_F(ConfigTest, CredentialsFileBeatsConfigFile) {
  write_default_credentials();
  write(config_file(), std::string("[default]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = ") +
                           kConfigSecret + "\n");

  const ResolvedConfig config = resolve();
  EXPECT_EQ(config.credentials.access_key_id, "AKIDFILE");
  EXPECT_EQ(config.credentials.secret_access_key, kFileSecret);
  EXPECT_EQ(config.credentials.session_token, "");
  EXPECT_EQ(config.credentials_source, "shared credentials file " + credentials_file().string() + " [default]");
}

TEST_F(ConfigTest, ConfigFileProfileWhenTheCredentialsFileLacksIt) {
  write_default_credentials();
  write(config_file(), std::string("[profile dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = ") +
                           kConfigSecret + "\naws_session_token = " + kToken + "\n");
  vars_["AWS_PROFILE"] = "dev";

  const ResolvedConfig config = resolve();
  EXPECT_EQ(config.credentials.access_key_id, "AKIDDEV");
  EXPECT_EQ(config.credentials.session_token, kToken);
  EXPECT_EQ(config.credentials_source, "shared config file " + config_file().string() + " [profile dev]");
}

TEST_F(ConfigTest, FileLocationsComeFromTheEnvironmentWithTildeExpansion) {
  write(home_ / "elsewhere" / "creds", "[default]\naws_access_key_id = AKIDELSEWHERE\naws_secret_access_key = s\n");
  write(home_ / "elsewhere" / "conf", "[default]\nregion = ap-south-1\n");
  write_default_credentials();  // at the default location: must be ignored
  vars_["AWS_SHARED_CREDENTIALS_FILE"] = "~/elsewhere/creds";
  vars_["AWS_CONFIG_FILE"] = (home_ / "elsewhere" / "conf").string();
  vars_.erase("AWS_REGION");

  const ResolvedConfig config = resolve();
  EXPECT_EQ(config.credentials.access_key_id, "AKIDELSEWHERE");
  EXPECT_EQ(config.credentials_source,
            "shared credentials file " + (home_ / "elsewhere" / "creds").string() + " [default]");
  EXPECT_EQ(config.region, "ap-south-1");
}

TEST_F(ConfigTest, PartialCredentialsAreAnErrorWithoutTheSecret) {
  vars_["AWS_SECRET_ACCESS_KEY"] = kEnvSecret;
  std::string message = error_message();
  EXPECT_NE(message.find("AWS_ACCESS_KEY_ID"), std::string::npos) << message;
  expect_no_secret(message);

  vars_.erase("AWS_SECRET_ACCESS_KEY");
  write(credentials_file(), std::string("[default]\naws_secret_access_key = ") + kFileSecret + "\n");
  message = error_message();
  EXPECT_NE(message.find(credentials_file().string()), std::string::npos) << message;
  EXPECT_NE(message.find("no aws_access_key_id"), std::string::npos) << message;
  expect_no_secret(message);

  options_.credentials = lease::StaticCredentials{"AKIDEXPLICIT", "", ""};
  message = error_message();
  EXPECT_NE(message.find("secret_access_key"), std::string::npos) << message;
}

TEST_F(ConfigTest, MissingCredentialsNameEveryPlaceLookedAt) {
  write(config_file(), "[default]\nregion = eu-west-1\nrole_arn = arn:aws:iam::123456789012:role/x\n");

  const std::string message = error_message();
  EXPECT_NE(message.find("no AWS credentials"), std::string::npos) << message;
  EXPECT_NE(message.find("ClientOptions::credentials"), std::string::npos) << message;
  EXPECT_NE(message.find("AWS_ACCESS_KEY_ID"), std::string::npos) << message;
  EXPECT_NE(message.find("shared credentials file " + credentials_file().string() + " [default] (no such file)"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("shared config file " + config_file().string() + " [default]"), std::string::npos) << message;
  EXPECT_NE(message.find("(no aws_access_key_id; role_arn is not supported)"), std::string::npos) << message;
}

TEST_F(ConfigTest, MissingCredentialsWithoutAHomeDirectory) {
  const std::string message = [&] {
    try {
      (void)resolve_config(options_, Environment{[](std::string_view name) -> std::optional<std::string> {
                                                   if (name == "AWS_REGION") return "eu-west-1";
                                                   return std::nullopt;
                                                 },
                                                 ""});
    } catch (const lease::ConfigurationError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  }();
  EXPECT_NE(message.find("no home directory"), std::string::npos) << message;
}

// ---------------------------------------------------------------------------------------------
// Profile selection

TEST_F(ConfigTest, ProfileComesFromOptionsThenAwsProfileThenDefault) {
  write(credentials_file(),
        "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s\n"
        "[a]\naws_access_key_id = AKIDA\naws_secret_access_key = s\n"
        "[b]\naws_access_key_id = AKIDB\naws_secret_access_key = s\n");
  EXPECT_EQ(resolve().credentials.access_key_id, "AKIDDEFAULT");
  vars_["AWS_PROFILE"] = "b";
  EXPECT_EQ(resolve().credentials.access_key_id, "AKIDB");
  options_.profile = "a";
  EXPECT_EQ(resolve().credentials.access_key_id, "AKIDA");
  EXPECT_EQ(resolve().credentials_source, "shared credentials file " + credentials_file().string() + " [a]");
}

TEST_F(ConfigTest, ConfigFilePrefersProfileDefaultOverDefaultAndIgnoresBareNames) {
  write(config_file(),
        "[default]\nregion = us-west-1\n"
        "[profile default]\nregion = us-west-2\n"
        "[dev]\nregion = eu-north-1\n"
        "[profile   dev]\nregion = eu-south-1\n");
  vars_.erase("AWS_REGION");
  set_env_credentials();
  EXPECT_EQ(resolve().region, "us-west-2");
  options_.profile = "dev";
  EXPECT_EQ(resolve().region, "eu-south-1");
}

TEST_F(ConfigTest, ExplicitlyNamedMissingProfileIsAnErrorNamingTheFiles) {
  write_default_credentials();
  write(config_file(), "[default]\nregion = eu-west-1\n");
  options_.profile = "nosuch";

  std::string message = error_message();
  EXPECT_NE(message.find("profile 'nosuch'"), std::string::npos) << message;
  EXPECT_NE(message.find("ClientOptions::profile"), std::string::npos) << message;
  EXPECT_NE(message.find(credentials_file().string()), std::string::npos) << message;
  EXPECT_NE(message.find(config_file().string()), std::string::npos) << message;

  options_.profile.clear();
  vars_["AWS_PROFILE"] = "nosuch";
  message = error_message();
  EXPECT_NE(message.find("AWS_PROFILE"), std::string::npos) << message;
}

TEST_F(ConfigTest, FilesAreNotReadWhenOptionsAndEnvironmentSuffice) {
  write(credentials_file(), "this is not an ini file\n");
  set_env_credentials();
  vars_["AWS_PROFILE"] = "nosuch";
  options_.endpoint_url = "http://127.0.0.1:8000";

  const ResolvedConfig config = resolve();
  EXPECT_EQ(config.credentials_source, "environment");
  EXPECT_EQ(config.endpoint, "http://127.0.0.1:8000");
}

// ---------------------------------------------------------------------------------------------
// Region

TEST_F(ConfigTest, RegionPrecedence) {
  set_env_credentials();
  write(config_file(), "[default]\nregion = ca-central-1\n");
  options_.region = "us-east-2";
  vars_["AWS_REGION"] = "eu-west-1";
  vars_["AWS_DEFAULT_REGION"] = "eu-west-2";
  EXPECT_EQ(resolve().region, "us-east-2");
  options_.region.clear();
  EXPECT_EQ(resolve().region, "eu-west-1");
  vars_["AWS_REGION"] = "";  // empty counts as unset
  EXPECT_EQ(resolve().region, "eu-west-2");
  vars_.erase("AWS_DEFAULT_REGION");
  EXPECT_EQ(resolve().region, "ca-central-1");
}

TEST_F(ConfigTest, MissingRegionNamesEveryPlaceLookedAt) {
  vars_.erase("AWS_REGION");
  set_env_credentials();
  vars_["AWS_SESSION_TOKEN"] = kToken;
  write(config_file(), "[default]\noutput = json\n");

  const std::string message = error_message();
  EXPECT_NE(message.find("no AWS region"), std::string::npos) << message;
  for (const char* place : {"ClientOptions::region", "AWS_REGION", "AWS_DEFAULT_REGION"}) {
    EXPECT_NE(message.find(place), std::string::npos) << place << " missing in: " << message;
  }
  EXPECT_NE(message.find("shared config file " + config_file().string() + " [default] (no region)"), std::string::npos)
      << message;
  expect_no_secret(message);
}

TEST_F(ConfigTest, InvalidRegionIsRejected) {
  set_env_credentials();
  vars_["AWS_REGION"] = "us east 1";
  const std::string message = error_message();
  EXPECT_NE(message.find("'us east 1'"), std::string::npos) << message;
  EXPECT_NE(message.find("AWS_REGION"), std::string::npos) << message;
}

// ---------------------------------------------------------------------------------------------
// Endpoint

TEST_F(ConfigTest, EndpointPrecedence) {
  set_env_credentials();
  write(config_file(), "[default]\nendpoint_url = http://from-profile:4000\n");
  options_.endpoint_url = "http://from-options:1000/";
  vars_["AWS_ENDPOINT_URL_DYNAMODB"] = "http://from-dynamodb-var:2000";
  vars_["AWS_ENDPOINT_URL"] = "https://from-generic-var:3000";
  EXPECT_EQ(resolve().endpoint, "http://from-options:1000");
  options_.endpoint_url.clear();
  EXPECT_EQ(resolve().endpoint, "http://from-dynamodb-var:2000");
  vars_.erase("AWS_ENDPOINT_URL_DYNAMODB");
  EXPECT_EQ(resolve().endpoint, "https://from-generic-var:3000");
  vars_.erase("AWS_ENDPOINT_URL");
  EXPECT_EQ(resolve().endpoint, "http://from-profile:4000");
  fs::remove(config_file());
  EXPECT_EQ(resolve().endpoint, "https://dynamodb.eu-west-1.amazonaws.com");
  vars_["AWS_REGION"] = "cn-north-1";
  EXPECT_EQ(resolve().endpoint, "https://dynamodb.cn-north-1.amazonaws.com.cn");
}

TEST_F(ConfigTest, BadEndpointIsRejectedNamingTheValueAndItsOrigin) {
  set_env_credentials();
  vars_["AWS_ENDPOINT_URL"] = "http://localhost:8000/some/path";
  std::string message = error_message();
  EXPECT_NE(message.find("http://localhost:8000/some/path"), std::string::npos) << message;
  EXPECT_NE(message.find("AWS_ENDPOINT_URL"), std::string::npos) << message;
  expect_no_secret(message);

  options_.endpoint_url = "ftp://localhost:8000";
  message = error_message();
  EXPECT_NE(message.find("ftp://localhost:8000"), std::string::npos) << message;
  EXPECT_NE(message.find("ClientOptions::endpoint_url"), std::string::npos) << message;
}

// ---------------------------------------------------------------------------------------------
// Files and the INI reader

TEST_F(ConfigTest, MalformedFileNamesTheLineButNotItsText) {
  write(credentials_file(), std::string("[default]\naws_access_key_id = AKIDFILE\n") + kFileSecret + "\n");
  const std::string message = error_message();
  EXPECT_NE(message.find("line 3"), std::string::npos) << message;
  EXPECT_NE(message.find(credentials_file().string()), std::string::npos) << message;
  expect_no_secret(message);
}

TEST(IniTest, ParsesCommentsWhitespaceSubPropertiesAndRepeatedSections) {
  const IniFile ini = parse_ini(
      "# leading comment\n"
      "; another\n"
      "\n"
      "  [ default ]  # trailing comment\n"
      "region=us-east-1\n"
      "  output   =   json  ; inline comment\n"
      "secret = abc#def;ghi\r\n"
      "s3 =\n"
      "  max_concurrent_requests = 20\n"
      "  addressing_style: path\n"
      "empty =\n"
      "[profile x]\n"
      "a = 1\n"
      "[default]\n"
      "region = us-west-2\n",
      "test.ini");
  const IniSection* section = ini.section("default");
  ASSERT_NE(section, nullptr);
  EXPECT_EQ(section->at("region"), "us-west-2");  // repeated section: later wins
  EXPECT_EQ(section->at("output"), "json");
  EXPECT_EQ(section->at("secret"), "abc#def;ghi");
  EXPECT_EQ(section->at("s3"), "");
  EXPECT_EQ(section->at("s3.max_concurrent_requests"), "20");
  EXPECT_EQ(section->at("s3.addressing_style"), "path");
  EXPECT_EQ(section->at("empty"), "");
  ASSERT_NE(ini.section("profile x"), nullptr);
  EXPECT_EQ(ini.section("profile x")->at("a"), "1");
  EXPECT_EQ(ini.section("nosuch"), nullptr);
}

TEST(IniTest, RejectsMalformedLinesWithTheirNumber) {
  EXPECT_THROW((void)parse_ini("key = value\n", "f"), lease::ConfigurationError);  // before any section
  EXPECT_THROW((void)parse_ini("[default\n", "f"), lease::ConfigurationError);
  EXPECT_THROW((void)parse_ini("[]\n", "f"), lease::ConfigurationError);
  try {
    (void)parse_ini("[a]\n\n= value\n", "f.ini");
    FAIL() << "no error";
  } catch (const lease::ConfigurationError& e) {
    EXPECT_NE(std::string(e.what()).find("line 3 of f.ini"), std::string::npos) << e.what();
  }
}

TEST(IniTest, LoadDistinguishesAbsentFromUnreadable) {
  EXPECT_FALSE(load_ini(fs::temp_directory_path() / "lease-no-such-dir-xyz" / "credentials").has_value());
  EXPECT_THROW((void)load_ini(fs::temp_directory_path()), lease::ConfigurationError);  // a directory
}

TEST(EnvironmentTest, ProcessReadsTheRealEnvironment) {
  ::setenv("LEASE_CONFIG_TEST_VAR", "value-42", 1);
  const Environment env = Environment::process();
  EXPECT_EQ(env.get("LEASE_CONFIG_TEST_VAR"), std::optional<std::string>("value-42"));
  EXPECT_EQ(env.get("LEASE_CONFIG_TEST_UNSET_VAR_XYZ"), std::nullopt);
  ::unsetenv("LEASE_CONFIG_TEST_VAR");
}

}  // namespace
}  // namespace lease::aws
