// The product as a practitioner's client meets it, for benchmarks over HTTP:
// the real `contactpoint` binary run as child processes (`init`,
// `demo-users`, `serve` on a free loopback port), and the client side of
// signing in (password, PIN and the current code of the user's token).
//
// Benchmark support only: not linked into the product.
#ifndef CP_BENCH_SERVED_PRODUCT_H_
#define CP_BENCH_SERVED_PRODUCT_H_

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace cp::bench {

// CPU seconds (user + system) process `pid` has used so far (/proc); 0 if
// unknown.
double ProcessCpuSeconds(pid_t pid);

// Runs `argv` (argv[0] a path) to completion, its output appended to `log`.
// Error unless it exits 0 (the log's path said in the message).
core::Status RunToCompletion(const std::vector<std::string>& argv,
                             const std::filesystem::path& log);

// `contactpoint serve` for `store` on 127.0.0.1 and a free port, with
// `extra` arguments; stderr to `log`. Start() returns once the server has
// said where it listens (its first line), which it does after building its
// index from the store. Stopped (SIGTERM, then waited for) on destruction.
class ServedStore {
 public:
  static core::StatusOr<std::unique_ptr<ServedStore>> Start(
      const std::filesystem::path& binary, const std::filesystem::path& store,
      const std::vector<std::string>& extra, const std::filesystem::path& log);
  ~ServedStore();
  ServedStore(const ServedStore&) = delete;
  ServedStore& operator=(const ServedStore&) = delete;

  int port() const { return port_; }
  // CPU seconds (user + system) the server process has used so far.
  double CpuSeconds() const;

 private:
  ServedStore(pid_t pid, int port) : pid_(pid), port_(port) {}
  pid_t pid_;
  int port_;
};

// One row of the credentials file `contactpoint demo-users --out` writes.
struct DemoCredential {
  std::string username;
  std::string role;
  std::string password;
  std::string pin;
  std::string totp_base32;  // empty for a user with no token
};
core::StatusOr<std::vector<DemoCredential>> ReadDemoCredentials(
    const std::filesystem::path& file);

// Signs `user` in over POST /api/v1/sessions on 127.0.0.1:`port`; returns the
// session's bearer token.
core::StatusOr<std::string> SignIn(int port, const DemoCredential& user);

}  // namespace cp::bench

#endif  // CP_BENCH_SERVED_PRODUCT_H_
