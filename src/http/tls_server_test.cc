// The server over TLS with a configured certificate (issue 8: "TLS with a
// configured certificate; plain HTTP only on loopback"): a self-signed
// certificate for 127.0.0.1 is made here with OpenSSL, the server started
// with it, and a client that trusts only that certificate talks to it.
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "http/server.h"

namespace cp::http {
namespace {

namespace fs = std::filesystem;

// Writes a self-signed certificate for `ip` (subject alternative name) and
// its private key as PEM files.
bool MakeCertificate(const std::string& ip, const fs::path& cert, const fs::path& key) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> x509(X509_new(), X509_free);
  if (!pkey || !x509) return false;
  X509_set_version(x509.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x509.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(x509.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(x509.get()), 3600);
  X509_set_pubkey(x509.get(), pkey.get());
  X509_NAME* name = X509_get_subject_name(x509.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(ip.c_str()), -1, -1, 0);
  X509_set_issuer_name(x509.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x509.get(), x509.get(), nullptr, nullptr, 0);
  const std::string san = "IP:" + ip;
  for (const auto& [nid, value] :
       {std::pair{NID_subject_alt_name, san.c_str()}, std::pair{NID_basic_constraints, "CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (ext == nullptr) return false;
    X509_add_ext(x509.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(x509.get(), pkey.get(), EVP_sha256()) == 0) return false;
  FILE* c = std::fopen(cert.c_str(), "w");
  FILE* k = std::fopen(key.c_str(), "w");
  const bool written = c != nullptr && k != nullptr && PEM_write_X509(c, x509.get()) == 1 &&
                       PEM_write_PrivateKey(k, pkey.get(), nullptr, nullptr, 0, nullptr,
                                            nullptr) == 1;
  if (c != nullptr) std::fclose(c);
  if (k != nullptr) std::fclose(k);
  return written;
}

class TlsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cp_tls_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    ASSERT_TRUE(MakeCertificate("127.0.0.1", dir_ / "cert.pem", dir_ / "key.pem"));
  }
  void TearDown() override { fs::remove_all(dir_); }

  ServerOptions Options() const {
    ServerOptions options;
    options.port = 0;
    options.worker_threads = 2;
    options.tls_certificate_file = (dir_ / "cert.pem").string();
    options.tls_private_key_file = (dir_ / "key.pem").string();
    return options;
  }

  fs::path dir_;
};

TEST_F(TlsServerTest, ServesOverTlsToAClientThatVerifiesTheCertificate) {
  auto server = MakeHttpServer();
  server->Route("GET", "/ping", [](const Request&) {
    Response r;
    r.body = "{\"pong\":true}";
    return r;
  });
  ASSERT_TRUE(server->Start(Options()).ok());
  httplib::SSLClient client("127.0.0.1", server->port());
  client.set_ca_cert_path((dir_ / "cert.pem").c_str());
  client.enable_server_certificate_verification(true);
  auto res = client.Get("/ping");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "{\"pong\":true}");
  EXPECT_EQ(res->get_header_value("X-Frame-Options"), "DENY");
  EXPECT_NE(res->get_header_value("Strict-Transport-Security"), "")
      << "over TLS the browser is told to stay on TLS";

  // A client trusting another certificate refuses the connection: the
  // verification above was real.
  ASSERT_TRUE(MakeCertificate("127.0.0.1", dir_ / "other.pem", dir_ / "other-key.pem"));
  httplib::SSLClient wary("127.0.0.1", server->port());
  wary.set_ca_cert_path((dir_ / "other.pem").c_str());
  wary.enable_server_certificate_verification(true);
  EXPECT_FALSE(wary.Get("/ping"));

  // Plain HTTP to the TLS port gets no answer.
  httplib::Client plain("127.0.0.1", server->port());
  plain.set_connection_timeout(2);
  plain.set_read_timeout(2);
  auto refused = plain.Get("/ping");
  EXPECT_TRUE(!refused || refused->status != 200);
  server->Stop();
}

TEST_F(TlsServerTest, AMismatchedKeyIsRefusedAtStartNamingBothFiles) {
  ASSERT_TRUE(MakeCertificate("127.0.0.1", dir_ / "other.pem", dir_ / "other-key.pem"));
  ServerOptions options = Options();
  options.tls_private_key_file = (dir_ / "other-key.pem").string();
  auto server = MakeHttpServer();
  const core::Status s = server->Start(options);
  EXPECT_EQ(s.code(), core::ErrorCode::kInvalidConfiguration);
  EXPECT_NE(s.message().find("other-key.pem"), std::string::npos) << s.message();
}

TEST_F(TlsServerTest, WithACertificateAnyAddressMayBeBound) {
  ServerOptions options = Options();
  options.bind_address = "0.0.0.0";
  EXPECT_TRUE(ValidateOptions(options).ok());
}

}  // namespace
}  // namespace cp::http
