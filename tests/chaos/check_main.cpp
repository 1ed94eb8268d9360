// chaos_check: checks (again) the records a chaos run left in its folder.
//   chaos_check --dir DIR
// Exit status: 0 no violation, 1 violations, 2 the folder could not be read.
#include <exception>
#include <iostream>

#include "args.hpp"
#include "checker.hpp"

int main(int argc, char** argv) {
  using namespace lease::chaos;
  try {
    Args args(argc, argv);
    const std::string dir = args.get("dir", "chaos-run");
    args.check_all_known();
    const RunData run = load_run(dir);
    const Report report = check_run(run);
    std::cout << "chaos: seed " << run.config.seed << ": checked " << dir << "\n";
    report.print(std::cout);
    std::cout << (report.ok() ? "chaos: PASS" : "chaos: FAIL") << std::endl;
    return report.ok() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "chaos_check: " << e.what() << "\n";
    return 2;
  }
}
