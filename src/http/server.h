// The HTTP boundary: ContactPoint's own small request/response types and the
// Server interface, so no other module depends on the HTTP library.
//
// The production implementation (MakeHttpServer) uses cpp-httplib, with TLS
// when a certificate is configured. Plain HTTP is allowed only on a loopback
// address: Listen() refuses any other address without TLS. Every response
// carries the security headers (no caching, no framing, no sniffing).
#ifndef CP_HTTP_SERVER_H_
#define CP_HTTP_SERVER_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace cp::http {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query string
  std::multimap<std::string, std::string> query;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string remote_address;
};

// The credential of an "Authorization: Bearer <credential>" header; empty
// when the request has none.
std::string_view BearerToken(const Request& request);

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Handlers run on the server's worker threads, concurrently: they must be
// thread-safe.
using Handler = std::function<Response(const Request&)>;

struct ServerOptions {
  std::string bind_address = "127.0.0.1";
  int port = 8080;  // 0 picks a free port (tests)
  int worker_threads = 8;
  int keep_alive_seconds = 5;
  // Requests answered on one connection before the server closes it (the
  // client then reconnects); cpp-httplib's own default is 5.
  int keep_alive_max_requests = 100;
  int read_timeout_seconds = 10;
  // The largest body any route accepts (a route that asks for the most:
  // kLargeBody); other routes take at most kSmallBody.
  std::size_t max_body_bytes = 64 * 1024 * 1024;
  // TLS certificate and private key (PEM). Required for non-loopback addresses.
  std::optional<std::string> tls_certificate_file;
  std::optional<std::string> tls_private_key_file;
};

// Whether `address` is a loopback address (127.0.0.0/8, ::1, "localhost").
bool IsLoopback(const std::string& address);

// Checks options before binding: TLS files both or neither; plain HTTP only on
// loopback; sane port and thread count. Code kInvalidConfiguration.
core::Status ValidateOptions(const ServerOptions& options);

// Request body limits of a route: kSmallBody (64 KiB) for JSON requests,
// kLargeBody for bulk uploads (ServerOptions::max_body_bytes). A request
// over its route's limit is answered 413 before its body is read; a chunked
// body (no Content-Length) is accepted only by a kLargeBody route (411).
inline constexpr std::size_t kSmallBody = 64 * 1024;
inline constexpr std::size_t kLargeBody = static_cast<std::size_t>(-1);

// An HTTP server. Route() before Start() (a route added after is ignored,
// with a line on stderr: the workers read the routes without a lock);
// Start() binds and serves on background threads; Stop() ends serving and
// joins them. Thread-safe after Start().
class Server {
 public:
  virtual ~Server() = default;
  virtual void Route(const std::string& method, const std::string& path, Handler handler,
                     std::size_t max_body_bytes = kSmallBody) = 0;
  // Binds and starts serving; returns once the socket listens.
  virtual core::Status Start(const ServerOptions& options) = 0;
  // The port actually bound (useful with port 0).
  virtual int port() const = 0;
  // How many connections may wait to be accepted, as the kernel has it for
  // the listening socket (1024, capped by net.core.somaxconn); -1 before
  // Start or when it cannot be read. For diagnostics and tests.
  virtual int listen_backlog() const = 0;
  // Blocks until the server stops.
  virtual void Wait() = 0;
  virtual void Stop() = 0;
};

std::unique_ptr<Server> MakeHttpServer();

}  // namespace cp::http

#endif  // CP_HTTP_SERVER_H_
