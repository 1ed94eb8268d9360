// chaos_worker: one worker process of the chaos run (started by chaos_run).
//   chaos_worker --config DIR/config.json --id w3 --role pool|lock --endpoint URL --log DIR/w3.log --seed N
// SIGTERM or SIGINT: finish the current hold (release), log "exit" and exit 0.
#include <signal.h>

#include <cstdio>
#include <exception>
#include <fstream>
#include <stop_token>
#include <thread>

#include "args.hpp"
#include "worker.hpp"

int main(int argc, char** argv) {
  using namespace lease::chaos;
  // SIGTERM/SIGINT are taken by one thread with sigwait (blocked everywhere else, inherited by the
  // library's threads), which turns them into a stop request.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::stop_source stop;
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    stop.request_stop();
  });
  int code = 0;
  try {
    Args args(argc, argv);
    WorkerOptions options;
    std::ifstream config(args.get("config", ""));
    if (!config) throw std::invalid_argument("--config FILE is required and must be readable");
    options.config = nlohmann::json::parse(config).get<RunConfig>();
    options.id = args.get("id", "w0");
    options.role = args.get("role", "pool");
    options.endpoint = args.get("endpoint", "");
    options.log_path = args.get("log", options.id + ".log");
    options.seed = static_cast<std::uint64_t>(args.get_int("seed", 1));
    options.max_run = std::chrono::seconds(args.get_int("max-seconds", 4 * 3600));
    args.check_all_known();
    if (options.endpoint.empty()) throw std::invalid_argument("--endpoint URL is required");
    code = run_worker(options, stop.get_token());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chaos_worker: %s\n", e.what());
    code = 3;
  }
  if (!stop.stop_requested()) kill(getpid(), SIGTERM);  // wakes the waiter
  waiter.join();
  return code;
}
