// chaos_proxy: the chaos run's TCP fault proxy (see proxy.hpp for its control commands).
//   chaos_proxy --upstream-port P --port-file F --control-port-file G [--port N] [--control-port N] [--seed S]
// Writes its two ports to F and G once it listens; SIGTERM/SIGINT or "quit" stop it.
#include <signal.h>

#include <cstdio>
#include <exception>
#include <fstream>
#include <string>

#include "args.hpp"
#include "proxy.hpp"

namespace {

lease::chaos::FaultProxy* running_proxy = nullptr;

extern "C" void on_stop_signal(int) {
  if (running_proxy != nullptr) running_proxy->stop();
}

// Written whole, then renamed, so a reader never sees half a number.
void write_port(const std::string& path, int port) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << port << "\n";
    if (!out) throw std::runtime_error("cannot write " + temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot write " + path);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    lease::chaos::Args args(argc, argv);
    const int upstream = static_cast<int>(args.get_int("upstream-port", 0));
    const std::string port_file = args.get("port-file", "");
    const std::string control_file = args.get("control-port-file", "");
    const int port = static_cast<int>(args.get_int("port", 0));
    const int control_port = static_cast<int>(args.get_int("control-port", 0));
    const auto seed = static_cast<std::uint64_t>(args.get_int("seed", 1));
    args.check_all_known();
    if (upstream <= 0 || port_file.empty() || control_file.empty()) {
      throw std::invalid_argument("--upstream-port, --port-file and --control-port-file are required");
    }
    lease::chaos::FaultProxy proxy(upstream, seed, port, control_port);
    running_proxy = &proxy;
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    signal(SIGPIPE, SIG_IGN);
    write_port(control_file, proxy.control_port());
    write_port(port_file, proxy.port());
    proxy.run();
    running_proxy = nullptr;
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chaos_proxy: %s\n", e.what());
    return 1;
  }
}
