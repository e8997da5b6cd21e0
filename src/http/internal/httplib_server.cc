// cpp-httplib behind http::Server. Only this file includes httplib.h.
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <chrono>
#include <mutex>
#include <regex>
#include <set>
#include <thread>
#include <unordered_map>

#include "http/errors.h"
#include "http/server.h"

namespace cp::http {
namespace {

// Connections waiting to be accepted (the kernel caps it at somaxconn).
constexpr int kListenBacklog = 1024;

core::Status BadConfig(std::string message) {
  return core::Status(core::ErrorCode::kInvalidConfiguration, std::move(message));
}

// Headers every response carries: nothing cached, framed or sniffed; over
// TLS, browsers told to use nothing else for a year.
// Each is set once: httplib's set_header adds another copy, and an error
// answer passes here twice (its handler, then the error handler).
void AddSecurityHeaders(httplib::Response& res, bool tls) {
  const auto once = [&res](const char* name, const char* value) {
    if (!res.has_header(name)) res.set_header(name, value);
  };
  if (tls) once("Strict-Transport-Security", "max-age=31536000");
  once("Cache-Control", "no-store");
  once("X-Content-Type-Options", "nosniff");
  once("X-Frame-Options", "DENY");
  once("Referrer-Policy", "no-referrer");
  once("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
}

Request ToRequest(const httplib::Request& req) {
  Request out;
  out.method = req.method;
  out.path = req.path;
  for (const auto& [k, v] : req.params) out.query.emplace(k, v);
  for (const auto& [k, v] : req.headers) {
    std::string name = k;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.headers.emplace(std::move(name), v);
  }
  out.body = req.body;
  out.remote_address = req.remote_addr;
  return out;
}

void FromResponse(const Response& in, httplib::Response& res) {
  res.status = in.status;
  for (const auto& [k, v] : in.headers) res.set_header(k, v);
  res.set_content(in.body, in.content_type);
}

// Owns the httplib server and the thread it listens on. Routes are registered
// before Start(); after that the object is used from the owning thread only
// (Stop/Wait), while httplib's pool runs handlers.
class HttplibServer final : public Server {
 public:
  ~HttplibServer() override { Stop(); }

  void Route(const std::string& method, const std::string& path, Handler handler,
             std::size_t max_body_bytes) override {
    if (server_) {
      // The workers read the table without a lock once serving: adding to
      // it now would race with them. A programming error, said on stderr.
      std::fprintf(stderr, "http: route %s %s added after the server started: ignored\n",
                   method.c_str(), path.c_str());
      return;
    }
    routes_.push_back({method, path, std::move(handler), std::regex(path), max_body_bytes});
  }

  core::Status Start(const ServerOptions& options) override {
    RETURN_IF_ERROR(ValidateOptions(options));
    if (options.tls_certificate_file) {
      auto tls = std::make_unique<httplib::SSLServer>(options.tls_certificate_file->c_str(),
                                                      options.tls_private_key_file->c_str());
      if (!tls->is_valid()) {
        return BadConfig("cannot load the TLS certificate '" + *options.tls_certificate_file +
                         "' or key '" + *options.tls_private_key_file +
                         "': check both files exist, are PEM, and match");
      }
      server_ = std::move(tls);
    } else {
      server_ = std::make_unique<httplib::Server>();
    }
    // SO_REUSEADDR only: httplib's default also sets SO_REUSEPORT, which would
    // let a second server silently share a port that is already in use.
    // TCP_NODELAY (inherited by accepted connections): a response written in
    // two parts (headers, body) must not wait for the client's delayed
    // acknowledgement (40 ms per request on Linux).
    server_->set_tcp_nodelay(true);
    // Called for the listening socket only (before its bind and listen): it
    // is noted so that its backlog can be deepened once it listens.
    server_->set_socket_options([this](int sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
      setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      listen_fd_ = sock;
    });
    const bool tls = options.tls_certificate_file.has_value();
    const int threads = options.worker_threads;
    server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server_->set_keep_alive_timeout(options.keep_alive_seconds);
    server_->set_keep_alive_max_count(static_cast<std::size_t>(options.keep_alive_max_requests));
    server_->set_read_timeout(options.read_timeout_seconds, 0);
    server_->set_write_timeout(options.read_timeout_seconds, 0);
    server_->set_payload_max_length(options.max_body_bytes);

    server_->set_pre_routing_handler(
        [this, tls](const httplib::Request& req, httplib::Response& res) {
          return CheckBodySize(req, res, tls);
        });
    IndexRoutes();
    // One handler per method, dispatching through FindRoute (httplib's own
    // dispatch would try every route's regular expression in turn).
    std::set<std::string> methods;
    for (const RouteEntry& route : routes_) methods.insert(route.method);
    for (const std::string& method : methods) {
      auto handler = [this, tls](const httplib::Request& req, httplib::Response& res) {
        const RouteEntry* route = FindRoute(req.method == "HEAD" ? "GET" : req.method, req.path);
        if (route == nullptr) {
          FromResponse(ErrorResponse(core::NotFound("no such endpoint")), res);
          res.status = 404;
        } else {
          FromResponse(route->handler(ToRequest(req)), res);
        }
        AddSecurityHeaders(res, tls);
      };
      if (method == "GET") server_->Get(".*", handler);
      else if (method == "POST") server_->Post(".*", handler);
      else if (method == "PUT") server_->Put(".*", handler);
      else if (method == "DELETE") server_->Delete(".*", handler);
      else return core::Internal("unsupported HTTP method in route: " + method);
    }
    server_->set_error_handler([tls](const httplib::Request&, httplib::Response& res) {
      if (res.body.empty()) {
        // Keep httplib's status (404, 413, ...) but give the body our error shape.
        const int status = res.status;
        FromResponse(ErrorResponse(status == 404
                                       ? core::NotFound("no such endpoint")
                                       : core::InvalidArgument("the request could not be read")),
                     res);
        res.status = status;
      }
      AddSecurityHeaders(res, tls);
    });
    server_->set_exception_handler(
        [tls](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
          FromResponse(ErrorResponse(core::Internal("the server could not complete the request")),
                       res);
          AddSecurityHeaders(res, tls);
        });

    if (options.port == 0) {
      port_ = server_->bind_to_any_port(options.bind_address);
      if (port_ < 0) port_ = 0;
    } else if (server_->bind_to_port(options.bind_address, options.port)) {
      port_ = options.port;
    }
    if (port_ <= 0) {
      return core::Status(core::ErrorCode::kNetwork,
                          "cannot listen on " + options.bind_address + ":" +
                              std::to_string(options.port) +
                              ": the port may be in use by another program, or the address is "
                              "not one of this machine's; choose another with --port/--bind");
    }
    DeepenBacklog();
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    // httplib's stop() is a no-op until the accept loop runs, so Start() returns
    // only once it does; otherwise an early Stop() would leave it running.
    for (int i = 0; i < 500 && !server_->is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!server_->is_running()) {
      return core::Status(core::ErrorCode::kNetwork, "the HTTP server did not start listening");
    }
    return core::Status::Ok();
  }

  int port() const override { return port_; }

  int listen_backlog() const override {
    tcp_info info{};
    socklen_t size = sizeof info;
    if (listen_fd_ < 0 || getsockopt(listen_fd_, IPPROTO_TCP, TCP_INFO, &info, &size) != 0) {
      return -1;
    }
    return static_cast<int>(info.tcpi_sacked);  // a listener's: its backlog
  }

  void Wait() override {
    if (thread_.joinable()) thread_.join();
  }

  void Stop() override {
    if (server_) server_->stop();
    Wait();
    listen_fd_ = -1;  // closed by httplib: its number may be reused
  }

 private:
  struct RouteEntry {
    std::string method;
    std::string path;
    Handler handler;
    std::regex pattern;
    std::size_t max_body_bytes;
  };

  // The first route registered that takes `method` and `path`, or null. An
  // exact path is found by one hash lookup (most routes have one), patterns
  // are tried in order after it.
  const RouteEntry* FindRoute(const std::string& method, const std::string& path) const {
    if (const auto it = exact_.find(RouteKey(method, path)); it != exact_.end()) {
      return &routes_[it->second];
    }
    for (const std::size_t i : patterns_) {
      if (routes_[i].method == method && std::regex_match(path, routes_[i].pattern)) {
        return &routes_[i];
      }
    }
    return nullptr;
  }

  static std::string RouteKey(const std::string& method, const std::string& path) {
    return method + ' ' + path;
  }

  // Sorts the routes for FindRoute: a path without any pattern character is
  // exact, found in exact_ (unless an earlier pattern of its method takes it,
  // which then keeps it, as registration order says); the rest are tried in
  // order.
  void IndexRoutes() {
    exact_.clear();
    patterns_.clear();
    for (std::size_t i = 0; i < routes_.size(); ++i) {
      const RouteEntry& route = routes_[i];
      if (route.path.find_first_of(".[]()*+?^$|\\{}") != std::string::npos) {
        patterns_.push_back(i);
        continue;
      }
      const RouteEntry* earlier = FindRoute(route.method, route.path);
      exact_.emplace(RouteKey(route.method, route.path),
                     earlier != nullptr ? static_cast<std::size_t>(earlier - routes_.data()) : i);
    }
  }

  // Refuses, before its body is read, a request larger than its route takes.
  httplib::Server::HandlerResponse CheckBodySize(const httplib::Request& req,
                                                 httplib::Response& res, bool tls) const {
    const RouteEntry* route = FindRoute(req.method, req.path);
    // A request no route takes is answered 404 after no more than a small body.
    const std::size_t max_body = route == nullptr ? kSmallBody : route->max_body_bytes;
    if (max_body == kLargeBody) return httplib::Server::HandlerResponse::Unhandled;
    const auto refuse = [&](int status, const std::string& message) {
      FromResponse(ErrorResponse(core::InvalidArgument(message)), res);
      res.status = status;
      res.set_header("Connection", "close");
      AddSecurityHeaders(res, tls);
      return httplib::Server::HandlerResponse::Handled;
    };
    const std::string limit = std::to_string(max_body / 1024) + " KiB";
    if (req.has_header("Transfer-Encoding")) {
      return refuse(411, "send the request body with a Content-Length (at most " + limit + ")");
    }
    const std::string length = req.get_header_value("Content-Length");
    if (!length.empty()) {
      std::size_t bytes = 0;
      const auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), bytes);
      if (ec != std::errc() || end != length.data() + length.size() ||
          bytes > max_body) {
        return refuse(413, "the request body is too large: at most " + limit);
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  }
  std::vector<RouteEntry> routes_;
  std::unordered_map<std::string, std::size_t> exact_;  // "METHOD /path" -> routes_ index
  std::vector<std::size_t> patterns_;                     // routes_ indexes, in order
  std::unique_ptr<httplib::Server> server_;
  // The Debian build of httplib listens with a backlog of 5
  // (CPPHTTPLIB_LISTEN_BACKLOG, compiled into its library): more clients
  // than that connecting at once had their connection dropped and retried
  // by the kernel a second later. Linux lets listen() be called again on a
  // listening socket to change its backlog; the noted socket is checked to
  // be the one listening on our port first.
  void DeepenBacklog() {
    int listening = 0;
    socklen_t size = sizeof listening;
    sockaddr_storage address{};
    socklen_t address_size = sizeof address;
    if (listen_fd_ < 0 ||
        getsockopt(listen_fd_, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) != 0 || !listening ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &address_size) != 0) {
      listen_fd_ = -1;
      return;
    }
    const int bound = address.ss_family == AF_INET6
                          ? ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port)
                          : ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
    if (bound != port_) {
      listen_fd_ = -1;
      return;
    }
    (void)::listen(listen_fd_, kListenBacklog);
  }

  std::thread thread_;
  int port_ = 0;
  std::atomic<int> listen_fd_{-1};  // the listening socket, owned by httplib
};

}  // namespace

bool IsLoopback(const std::string& address) {
  if (address == "localhost" || address == "::1") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, address.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  return false;
}

core::Status ValidateOptions(const ServerOptions& options) {
  if (options.tls_certificate_file.has_value() != options.tls_private_key_file.has_value()) {
    return BadConfig("TLS needs both a certificate file and a private key file (--tls-cert and --tls-key)");
  }
  if (!options.tls_certificate_file && !IsLoopback(options.bind_address)) {
    return BadConfig("plain HTTP is allowed only on a loopback address (127.0.0.1); to listen on " +
                     options.bind_address + " configure TLS with --tls-cert and --tls-key");
  }
  if (options.port < 0 || options.port > 65535) {
    return BadConfig("the port must be between 1 and 65535");
  }
  if (options.worker_threads < 1 || options.worker_threads > 1024) {
    return BadConfig("worker threads must be between 1 and 1024");
  }
  if (options.keep_alive_max_requests < 1) {
    return BadConfig("requests per connection must be at least 1");
  }
  return core::Status::Ok();
}

std::unique_ptr<Server> MakeHttpServer() { return std::make_unique<HttplibServer>(); }

}  // namespace cp::http
