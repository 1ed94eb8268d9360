// lease_bench_failover_holder: the victim of the failover benchmark. Obtains a row of a pool with
// heartbeats, prints "held <key> <token>" on stdout once it holds it, then keeps it (heartbeats
// running) until it is killed. lease_bench_failover starts one per trial and SIGKILLs it.
//
//   lease_bench_failover_holder ENDPOINT TABLE DURATION_MS LESSEE
//
// Exit status 1 (with a message on stderr) when it could not obtain a row within 30 s.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <string>

#include "bench_support.hpp"
#include "lease/pool.hpp"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: lease_bench_failover_holder ENDPOINT TABLE DURATION_MS LESSEE\n");
    return 2;
  }
  try {
    const lease::Client client = lease::bench::local_client(argv[1]);
    lease::Pool pool(client, argv[2]);
    lease::LeaseRequest request;
    request.duration = std::chrono::milliseconds(std::stoll(argv[3]));
    request.lessee = argv[4];
    auto held = pool.wait_until_obtained(request, {.max_wait = std::chrono::seconds(30)});
    if (!held) {
      std::fprintf(stderr, "lease_bench_failover_holder: no row free within 30 s\n");
      return 1;
    }
    std::printf("held %s %lld\n", held->key().c_str(), static_cast<long long>(held->token()));
    std::fflush(stdout);
    for (;;) ::pause();  // heartbeats run on the pool's renewer threads until SIGKILL
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lease_bench_failover_holder: %s\n", e.what());
    return 1;
  }
}
