#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <vector>

namespace cp::http {
namespace {

ServerOptions TestOptions() {
  ServerOptions options;
  options.port = 0;
  options.worker_threads = 2;
  return options;
}

TEST(ServerOptionsTest, PlainHttpOnlyOnLoopback) {
  ServerOptions options = TestOptions();
  for (const char* ok : {"127.0.0.1", "127.1.2.3", "localhost", "::1"}) {
    options.bind_address = ok;
    EXPECT_TRUE(ValidateOptions(options).ok()) << ok;
  }
  for (const char* bad : {"0.0.0.0", "10.0.0.1", "192.168.1.1", "::", "example.org"}) {
    options.bind_address = bad;
    const core::Status s = ValidateOptions(options);
    EXPECT_EQ(s.code(), core::ErrorCode::kInvalidConfiguration) << bad;
    EXPECT_NE(s.message().find("--tls-cert"), std::string::npos);
  }
}

TEST(ServerOptionsTest, TlsNeedsBothFilesAndSanePortAndThreads) {
  ServerOptions options = TestOptions();
  options.tls_certificate_file = "/tmp/cert.pem";
  EXPECT_EQ(ValidateOptions(options).code(), core::ErrorCode::kInvalidConfiguration);
  options = TestOptions();
  options.port = 70000;
  EXPECT_EQ(ValidateOptions(options).code(), core::ErrorCode::kInvalidConfiguration);
  options = TestOptions();
  options.worker_threads = 0;
  EXPECT_EQ(ValidateOptions(options).code(), core::ErrorCode::kInvalidConfiguration);
}

TEST(ServerTest, MissingTlsFilesAreReportedByName) {
  auto server = MakeHttpServer();
  ServerOptions options = TestOptions();
  options.tls_certificate_file = "/nonexistent/cert.pem";
  options.tls_private_key_file = "/nonexistent/key.pem";
  const core::Status s = server->Start(options);
  EXPECT_EQ(s.code(), core::ErrorCode::kInvalidConfiguration);
  EXPECT_NE(s.message().find("/nonexistent/cert.pem"), std::string::npos);
}

TEST(ServerTest, ServesRoutesWithSecurityHeaders) {
  auto server = MakeHttpServer();
  std::atomic<int> calls = 0;
  server->Route("GET", "/ping", [&](const Request& req) {
    ++calls;
    Response r;
    r.body = "{\"q\":\"" + req.query.find("x")->second + "\"}";
    return r;
  });
  ASSERT_TRUE(server->Start(TestOptions()).ok());
  httplib::Client client("127.0.0.1", server->port());
  auto res = client.Get("/ping?x=1");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "{\"q\":\"1\"}");
  EXPECT_EQ(res->get_header_value("X-Frame-Options"), "DENY");
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(calls.load(), 1);
  server->Stop();
}

// A burst of clients connecting at once all get in at once: the listening
// socket's backlog is deep (httplib's library listens with 5, and a
// connection beyond the queue was retried by the kernel a second later).
TEST(ServerTest, ABurstOfConnectionsIsQueuedNotDropped) {
  auto server = MakeHttpServer();
  EXPECT_EQ(server->listen_backlog(), -1);
  server->Route("GET", "/ping", [](const Request&) { return Response{}; });
  ASSERT_TRUE(server->Start(TestOptions()).ok());
  int somaxconn = 4096;
  if (std::FILE* f = std::fopen("/proc/sys/net/core/somaxconn", "r")) {
    if (std::fscanf(f, "%d", &somaxconn) != 1) somaxconn = 4096;
    std::fclose(f);
  }
  EXPECT_EQ(server->listen_backlog(), std::min(1024, somaxconn));

  constexpr int kBurst = 200;
  std::vector<int> sockets;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(server->port()));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int i = 0; i < kBurst; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    (void)::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    sockets.push_back(fd);
  }
  // Every connection is established well within the kernel's 1 s SYN retry.
  int connected = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  for (int fd : sockets) {
    for (;;) {
      pollfd p{fd, POLLOUT, 0};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      if (::poll(&p, 1, static_cast<int>(std::max<std::int64_t>(0, left.count()))) == 1) {
        int error = 0;
        socklen_t size = sizeof error;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size);
        if (error == 0) ++connected;
        break;
      }
      if (left.count() <= 0) break;
    }
  }
  EXPECT_EQ(connected, kBurst);
  for (int fd : sockets) ::close(fd);
  server->Stop();
}

TEST(ServerTest, ARouteAddedAfterStartIsIgnored) {
  auto server = MakeHttpServer();
  server->Route("GET", "/before", [](const Request&) { return Response{}; });
  ASSERT_TRUE(server->Start(TestOptions()).ok());
  server->Route("GET", "/after", [](const Request&) { return Response{}; });
  httplib::Client client("127.0.0.1", server->port());
  auto before = client.Get("/before");
  auto after = client.Get("/after");
  ASSERT_TRUE(before && after);
  EXPECT_EQ(before->status, 200);
  EXPECT_EQ(after->status, 404);
  server->Stop();
}

TEST(ServerTest, EachRouteRefusesABodyOverItsLimitBeforeReadingIt) {
  auto server = MakeHttpServer();
  std::atomic<int> calls = 0;
  auto echo = [&](const Request& req) {
    ++calls;
    Response r;
    r.body = "{\"bytes\":" + std::to_string(req.body.size()) + "}";
    return r;
  };
  server->Route("POST", "/small", echo);
  server->Route("POST", R"(/bulk/[^/]+)", echo, kLargeBody);
  ServerOptions options = TestOptions();
  options.max_body_bytes = 1024 * 1024;
  ASSERT_TRUE(server->Start(options).ok());
  httplib::Client client("127.0.0.1", server->port());
  const std::string fits(kSmallBody, 'x');
  const std::string over(kSmallBody + 1, 'x');
  auto ok = client.Post("/small", fits, "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  auto too_big = client.Post("/small", over, "application/json");
  ASSERT_TRUE(too_big);
  EXPECT_EQ(too_big->status, 413);
  EXPECT_NE(nlohmann::json::parse(too_big->body)["error"]["message"].get<std::string>().find(
                "at most 64 KiB"),
            std::string::npos);
  EXPECT_EQ(too_big->get_header_value("X-Frame-Options"), "DENY");
  EXPECT_EQ(calls.load(), 1) << "the handler never saw the refused request";
  // A bulk route takes up to the server's limit.
  httplib::Client bulk_client("127.0.0.1", server->port());
  auto bulk = bulk_client.Post("/bulk/x", std::string(512 * 1024, 'x'), "application/json");
  ASSERT_TRUE(bulk);
  EXPECT_EQ(bulk->status, 200);
  EXPECT_EQ(bulk->body, "{\"bytes\":524288}");
  server->Stop();
}

// Sends `request` on a new loopback connection to `port` and reads until the
// server closes it (or 3 s pass); returns everything the server sent.
std::string Exchange(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "socket failed";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return "connect failed";
  }
  timeval timeout{3, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  (void)::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string answer;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

// A request refused for its size ends the connection: the body it carried
// (here holding a second request) is never read as a request of its own.
TEST(ServerTest, ARefusedBodyIsNeverReadAsTheNextRequest) {
  auto server = MakeHttpServer();
  std::atomic<int> calls = 0;
  auto count = [&](const Request&) {
    ++calls;
    return Response{};
  };
  server->Route("POST", "/small", count);
  server->Route("GET", "/ping", count);
  ASSERT_TRUE(server->Start(TestOptions()).ok());
  const std::string inner = "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string body = inner + std::string(kSmallBody, 'x');
  const std::string request = "POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body;
  const std::string answer = Exchange(server->port(), request);
  EXPECT_NE(answer.find("413"), std::string::npos) << answer;
  EXPECT_EQ(Count(answer, "HTTP/1.1 "), 1u) << answer;
  EXPECT_EQ(calls.load(), 0);
  server->Stop();
}

// A kept-alive connection answers keep_alive_max_requests requests (100 by
// default, not cpp-httplib's 5), then says "Connection: close" and closes.
// Requests go one at a time on one socket; each response is read whole.
TEST(ServerTest, AConnectionServesKeepAliveMaxRequestsThenCloses) {
  for (const int max : {0, 3}) {  // 0: the default
    auto server = MakeHttpServer();
    std::atomic<int> calls = 0;
    server->Route("GET", "/ping", [&](const Request&) {
      ++calls;
      Response r;
      r.body = "{}";
      return r;
    });
    ServerOptions options = TestOptions();
    if (max > 0) options.keep_alive_max_requests = max;
    ASSERT_TRUE(server->Start(options).ok());
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(server->port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    timeval timeout{3, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    int answered = 0;
    int closes = 0;
    for (int i = 0; i < 13; ++i) {
      const std::string request = "GET /ping HTTP/1.1\r\nHost: x\r\n" +
                                  std::string(i == 12 ? "Connection: close\r\n" : "") + "\r\n";
      if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) < 0) break;
      // The whole response: headers, then the 2-byte body.
      std::string response;
      char c;
      while (response.find("\r\n\r\n") == std::string::npos && ::recv(fd, &c, 1, 0) == 1) {
        response.push_back(c);
      }
      if (response.empty()) break;  // closed
      char body[2];
      ASSERT_EQ(::recv(fd, body, 2, MSG_WAITALL), 2);
      ASSERT_NE(response.find("HTTP/1.1 200"), std::string::npos) << response;
      ++answered;
      closes += response.find("Connection: close") != std::string::npos ? 1 : 0;
    }
    ::close(fd);
    const int expected = max > 0 ? 3 : 13;
    EXPECT_EQ(answered, expected) << "max " << max;
    EXPECT_EQ(calls.load(), expected);
    EXPECT_EQ(closes, 1) << "only the last response says the connection closes";
    server->Stop();
  }
  ServerOptions options = TestOptions();
  options.keep_alive_max_requests = 0;
  EXPECT_EQ(ValidateOptions(options).code(), core::ErrorCode::kInvalidConfiguration);
}

// The first route registered that takes a request answers it, whether its
// path is exact or a pattern; a path taken only by another method is 404.
TEST(ServerTest, TheFirstRouteRegisteredThatTakesARequestAnswersIt) {
  auto server = MakeHttpServer();
  auto says = [](std::string what) {
    return [what](const Request&) {
      Response r;
      r.body = "\"" + what + "\"";
      return r;
    };
  };
  server->Route("GET", "/a", says("exact a"));
  server->Route("GET", R"(/items/[^/]+)", says("an item"));
  server->Route("GET", "/items/new", says("never: the pattern above takes it"));
  server->Route("GET", "/items", says("exact items"));
  server->Route("POST", "/items", says("post items"));
  server->Route("POST", R"(/items/[0-9]+/views)", says("a view"));
  ASSERT_TRUE(server->Start(TestOptions()).ok());
  httplib::Client client("127.0.0.1", server->port());
  const std::pair<const char*, const char*> gets[] = {
      {"/a", "\"exact a\""}, {"/items/7", "\"an item\""}, {"/items/new", "\"an item\""},
      {"/items", "\"exact items\""}};
  for (const auto& [path, body] : gets) {
    auto res = client.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path;
    EXPECT_EQ(res->body, body) << path;
  }
  auto post = client.Post("/items", "{}", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->body, "\"post items\"");
  auto view = client.Post("/items/12/views", "{}", "application/json");
  ASSERT_TRUE(view);
  EXPECT_EQ(view->body, "\"a view\"");
  for (const char* path : {"/items/x/views", "/a/b", "/b"}) {
    auto res = client.Post(path, "{}", "application/json");
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(nlohmann::json::parse(res->body)["error"]["code"], "not_found") << path;
    EXPECT_EQ(res->get_header_value("X-Frame-Options"), "DENY") << path;
    for (const char* header : {"X-Frame-Options", "Cache-Control", "Referrer-Policy",
                               "X-Content-Type-Options", "Content-Security-Policy"}) {
      EXPECT_EQ(res->get_header_value_count(header), 1u) << path << " " << header;
    }
  }
  auto not_get = client.Get("/items/12/views");
  ASSERT_TRUE(not_get);
  EXPECT_EQ(not_get->status, 404) << "only POST takes /items/12/views";
  auto put = client.Put("/items", "{}", "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 404);
  server->Stop();
}

TEST(ServerTest, UnknownPathIsJson404) {
  auto server = MakeHttpServer();
  ASSERT_TRUE(server->Start(TestOptions()).ok());
  httplib::Client client("127.0.0.1", server->port());
  auto res = client.Get("/no/such/thing");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  const auto body = nlohmann::json::parse(res->body);
  EXPECT_EQ(body["error"]["code"], "not_found");
  EXPECT_EQ(res->get_header_value("X-Frame-Options"), "DENY");
  server->Stop();
}

TEST(ServerTest, PortInUseIsAClearError) {
  auto first = MakeHttpServer();
  ASSERT_TRUE(first->Start(TestOptions()).ok());
  auto second = MakeHttpServer();
  ServerOptions options = TestOptions();
  options.port = first->port();
  const core::Status s = second->Start(options);
  EXPECT_EQ(s.code(), core::ErrorCode::kNetwork);
  EXPECT_NE(s.message().find(std::to_string(first->port())), std::string::npos);
  first->Stop();
}

}  // namespace
}  // namespace cp::http
