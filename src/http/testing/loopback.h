// For tests that serve routes for real: starts a server on a free loopback
// port (two workers) and gives a cpp-httplib client for it. The test target
// links PkgConfig::HTTPLIB.
#ifndef CP_HTTP_TESTING_LOOPBACK_H_
#define CP_HTTP_TESTING_LOOPBACK_H_

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>

#include "http/server.h"

namespace cp::http::testing {

// Null (and a test failure) when the server does not start.
inline std::unique_ptr<httplib::Client> StartOnLoopback(Server& server) {
  ServerOptions options;
  options.port = 0;
  options.worker_threads = 2;
  const core::Status started = server.Start(options);
  EXPECT_TRUE(started.ok()) << started.ToString();
  if (!started.ok()) return nullptr;
  return std::make_unique<httplib::Client>("127.0.0.1", server.port());
}

}  // namespace cp::http::testing

#endif  // CP_HTTP_TESTING_LOOPBACK_H_
