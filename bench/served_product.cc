#include "served_product.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "auth/totp.h"
#include "core/clock.h"

extern char** environ;

namespace cp::bench {
namespace {

using core::ErrorCode;
using core::Status;
using core::StatusOr;

Status Failed(const std::string& what) { return Status(ErrorCode::kInternal, what); }

// posix_spawn of `argv` with stdout to `out_fd` (or the log) and stderr to
// the log; -1 on failure.
pid_t Spawn(const std::vector<std::string>& argv, int out_fd, const std::filesystem::path& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (out_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  } else {
    posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
  }
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

// RFC 4648 base32 (upper case, padding optional) to bytes.
StatusOr<std::string> Base32Decode(const std::string& text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : text) {
    if (c == '=') break;
    int value;
    if (c >= 'A' && c <= 'Z') value = c - 'A';
    else if (c >= '2' && c <= '7') value = c - '2' + 26;
    else return Status(ErrorCode::kInvalidArgument, "token secret is not base32");
    buffer = (buffer << 5) | static_cast<unsigned>(value);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

}  // namespace

double ProcessCpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name (in parentheses, which may hold spaces):
  // state is field 3; utime and stime are fields 14 and 15, in clock ticks.
  const std::size_t close = text.rfind(')');
  if (close == std::string::npos || close + 2 > text.size()) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::atof(field.c_str());
    if (i == 15) stime = std::atof(field.c_str());
  }
  return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double ServedStore::CpuSeconds() const { return ProcessCpuSeconds(pid_); }

Status RunToCompletion(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  const pid_t pid = Spawn(argv, -1, log);
  if (pid < 0) return Failed("cannot run " + argv[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Failed(argv[0] + " " + (argv.size() > 1 ? argv[1] : "") + " failed: see " +
                  log.string());
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<ServedStore>> ServedStore::Start(const std::filesystem::path& binary,
                                                          const std::filesystem::path& store,
                                                          const std::vector<std::string>& extra,
                                                          const std::filesystem::path& log) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return Failed("pipe");
  std::vector<std::string> argv = {binary.string(), "serve",  "--store", store.string(),
                                   "--bind",        "127.0.0.1", "--port", "0"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  const pid_t pid = Spawn(argv, pipe_fds[1], log);
  ::close(pipe_fds[1]);
  if (pid < 0) {
    ::close(pipe_fds[0]);
    return Failed("cannot run " + binary.string());
  }
  // "ContactPoint X serving on http://127.0.0.1:PORT/ ..." once listening
  // (within 10 minutes: it loads the linkage data first).
  std::string line;
  char c;
  pollfd ready{pipe_fds[0], POLLIN, 0};
  while (::poll(&ready, 1, 600'000) == 1 && ::read(pipe_fds[0], &c, 1) == 1 && c != '\n') {
    line.push_back(c);
  }
  ::close(pipe_fds[0]);
  auto served = std::unique_ptr<ServedStore>(new ServedStore(pid, 0));  // stops it on failure
  const std::string marker = "http://127.0.0.1:";
  const std::size_t at = line.find(marker);
  if (at == std::string::npos) return Failed("the server did not start: see " + log.string());
  served->port_ = std::atoi(line.c_str() + at + marker.size());
  return served;
}

ServedStore::~ServedStore() {
  ::kill(pid_, SIGTERM);
  // It stops within a second or so; after 30 s it is killed.
  int status = 0;
  for (int i = 0; i < 300; ++i) {
    if (waitpid(pid_, &status, WNOHANG) != 0) return;
    ::usleep(100'000);
  }
  ::kill(pid_, SIGKILL);
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

StatusOr<std::vector<DemoCredential>> ReadDemoCredentials(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return Failed("cannot read " + file.string());
  std::vector<DemoCredential> users;
  std::string line;
  std::getline(in, line);  // the heading
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    DemoCredential user;
    fields >> user.username >> user.role >> user.password >> user.pin >> user.totp_base32;
    if (user.password == "(no") continue;  // "(no IT access)": a mediated user
    if (!user.username.empty()) users.push_back(std::move(user));
  }
  return users;
}

StatusOr<std::string> SignIn(int port, const DemoCredential& user) {
  ASSIGN_OR_RETURN(std::string secret, Base32Decode(user.totp_base32));
  const auto code =
      auth::Totp().Generate(core::Sensitive<std::string>(secret), core::SystemClock().Now());
  if (!code.ok()) return code.status();
  const nlohmann::json body = {{"username", user.username},
                               {"password", user.password},
                               {"pin", user.pin},
                               {"code", code->Reveal()}};
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(30, 0);
  auto res = client.Post("/api/v1/sessions", body.dump(), "application/json");
  if (!res) return Failed("sign-in request failed: " + httplib::to_string(res.error()));
  if (res->status != 201) {
    return Failed("sign-in of " + user.username + " refused (" + std::to_string(res->status) +
                  "): " + res->body);
  }
  return nlohmann::json::parse(res->body).at("token").get<std::string>();
}

}  // namespace cp::bench
