#include "error_report.hpp"

#include <cstdio>
#include <string>

#include "exit_codes.hpp"
#include "lease/error.hpp"

namespace lease::cli {

namespace {

// "<message> (<code>)" for service errors whose message does not name the code already.
std::string with_code(const Error& error) {
  std::string text = error.what();
  if (!error.code().empty() && text.find(error.code()) == std::string::npos) text += " (" + error.code() + ")";
  return text;
}

std::string table_missing(const ErrorContext& context) {
  std::string text = "table '" + context.table + "' does not exist";
  if (!context.endpoint.empty()) text += " at " + context.endpoint;
  return text + " (create it with: lease table create --table " + context.table + ")";
}

}  // namespace

void print_message(std::string_view severity, std::string_view message) {
  std::string line = "lease: " + std::string(severity) + ": ";
  for (char c : message) line += (c == '\n' || c == '\r') ? ' ' : c;
  line += '\n';
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

int report_error(const std::exception_ptr& error, const ErrorContext& context) {
  try {
    std::rethrow_exception(error);
  } catch (const CommandFailure& e) {
    print_message("error", e.what());
    return e.exit_code();
  } catch (const UsageError& e) {
    print_message("error", e.what());
    return kUsage;
  } catch (const ResourceNotFound& e) {
    print_message("error", context.table.empty() ? with_code(e) : table_missing(context));
    return kUsage;
  } catch (const ValidationError& e) {
    print_message("error", with_code(e));
    return kUsage;
  } catch (const InvalidArgument& e) {
    print_message("error", e.what());
    return kUsage;
  } catch (const ConfigurationError& e) {
    print_message("error", std::string("configuration: ") + e.what());
    return kUsage;
  } catch (const ServiceError& e) {
    if (e.code() == "ResourceInUseException") {  // e.g. table create on an existing table
      print_message("error", "table '" + context.table + "' already exists or is being changed: " + e.what());
      return kUsage;
    }
    print_message("error", with_code(e));
    return kAwsError;
  } catch (const TransportError& e) {
    print_message("error", std::string("network: ") + e.what());
    return kAwsError;
  } catch (const Error& e) {
    print_message("error", with_code(e));
    return kAwsError;
  } catch (const std::exception& e) {
    print_message("error", e.what());
    return kAwsError;
  } catch (...) {
    print_message("error", "unknown failure");
    return kAwsError;
  }
}

}  // namespace lease::cli
