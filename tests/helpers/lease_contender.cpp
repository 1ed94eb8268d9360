// One worker process of the multi-process contention test: obtains any row of a pool table again and
// again, records each valid holding interval (wall clock, ns since the epoch) and writes them to a file.
//
//   lease_contender ENDPOINT TABLE LESSEE CYCLES OUTPUT_FILE
//
// Exit status 0 when every cycle ran; 1 on bad usage; 2 when a lease operation failed.

#include <cstdio>
#include <exception>
#include <string>

#include "lease/client.hpp"
#include "lease/pool.hpp"
#include "support/lease_fixture.hpp"

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s ENDPOINT TABLE LESSEE CYCLES OUTPUT_FILE\n", argv[0]);
    return 1;
  }
  try {
    lease::Client client(lease::testing::local_client_options(argv[1]));
    lease::Pool pool(client, argv[2]);
    const auto report = lease::testing::hold_cycles(pool, argv[3], std::stoi(argv[4]), std::chrono::milliseconds(1000),
                                                    lease::testing::wall_ns);
    lease::testing::write_intervals(argv[5], report.intervals);
    if (report.not_obtained > 0) {
      std::fprintf(stderr, "%s: %d cycles obtained nothing\n", argv[3], report.not_obtained);
      return 2;
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", argv[3], e.what());
    return 2;
  }
}
