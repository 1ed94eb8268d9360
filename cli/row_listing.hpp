#pragma once
// The text of `lease list`, shared with `lease watch`: a table of rows, or a JSON array.

#include <string>

#include "lease/pool.hpp"

namespace lease::cli {

/// Lists the pool's rows: a JSON array of row objects (`json`), else a human table; no newline at the end.
[[nodiscard]] std::string render_rows(Pool& pool, bool json);

}  // namespace lease::cli
