#pragma once
// Turns any exception a command throws into one "lease: error: ..." line on stderr and an exit code.

#include <exception>
#include <string>
#include <string_view>

namespace lease::cli {

/// What the failing command was working on, to make messages specific.
struct ErrorContext {
  std::string table;     ///< the --table value (may be empty)
  std::string endpoint;  ///< the endpoint in use, when known
};

/// Prints one line for `error` on stderr and returns its exit code (see exit_codes.hpp):
/// InvalidArgument, ValidationError, ResourceNotFound, ResourceInUse, ConfigurationError and
/// UsageError -> 2; TransportError, ThrottlingError, AuthError, ProtocolError and other service
/// errors -> 4; CommandFailure -> its own code. Never prints a secret: library messages carry none.
int report_error(const std::exception_ptr& error, const ErrorContext& context);

/// Prints "lease: <severity>: <message>" as one line on stderr (newlines folded).
void print_message(std::string_view severity, std::string_view message);

}  // namespace lease::cli
