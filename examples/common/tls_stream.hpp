// TLS through OpenSSL memory BIOs, for wss://: the socket's ciphertext goes in,
// plaintext comes out for tether, tether's plaintext goes in, ciphertext comes
// out for the socket. OpenSSL never touches a socket, and tether never sees a
// TLS record: both stay sans-IO, the event loop moves the bytes.
//
//   tls_stream tls(context, tls_role::server);
//   tls.put_ciphertext(bytes_read, n);           // from the socket
//   while ((n = tls.read(buffer, size, status)) > 0) ws.receive(buffer, n);
//   tls.write(plaintext, size);                  // tether's output
//   tls.take_ciphertext(queue);                  // to the socket
#ifndef TETHER_EXAMPLES_COMMON_TLS_STREAM_HPP
#define TETHER_EXAMPLES_COMMON_TLS_STREAM_HPP

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cstddef>
#include <memory>
#include <string>

#include "net.hpp"

namespace example {

// The queue of OpenSSL errors as one line (and emptied, so the next call starts clean).
inline std::string tls_error_text() {
  std::string text;
  char line[256];
  while (const unsigned long code = ERR_get_error()) {
    ERR_error_string_n(code, line, sizeof line);
    text += text.empty() ? line : std::string("; ") + line;
  }
  return text.empty() ? "unknown TLS error" : text;
}

struct ssl_ctx_free {
  void operator()(SSL_CTX* ctx) const noexcept { SSL_CTX_free(ctx); }
};
using tls_context = std::unique_ptr<SSL_CTX, ssl_ctx_free>;

// Server: a certificate chain and its key, TLS 1.2 and up.
inline tls_context make_server_context(const std::string& cert_file, const std::string& key_file, std::string& error) {
  tls_context ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx || SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1 ||
      SSL_CTX_use_certificate_chain_file(ctx.get(), cert_file.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx.get(), key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx.get()) != 1) {
    error = tls_error_text();
    return nullptr;
  }
  return ctx;
}

// Client: verifies the server's certificate against the system's CAs, or
// only against `ca_file` when one is given (a test CA).
inline tls_context make_client_context(const std::string& ca_file, std::string& error) {
  tls_context ctx(SSL_CTX_new(TLS_client_method()));
  const bool loaded =
      ctx && (ca_file.empty() ? SSL_CTX_set_default_verify_paths(ctx.get()) == 1
                              : SSL_CTX_load_verify_locations(ctx.get(), ca_file.c_str(), nullptr) == 1);
  if (!loaded || SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1) {
    error = tls_error_text();
    return nullptr;
  }
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  return ctx;
}

enum class tls_role { server, client };

class tls_stream {
 public:
  enum class status { ok, need_more, closed, failed };

  // Client: `host` is checked against the certificate (a DNS name or an IP
  // address) and sent as SNI when it is a name.
  tls_stream(SSL_CTX* ctx, tls_role role, const std::string& host = {}) : ssl_(SSL_new(ctx)) {
    BIO* in = BIO_new(BIO_s_mem());
    BIO* out = BIO_new(BIO_s_mem());
    in_ = in;
    out_ = out;
    SSL_set_bio(ssl_.get(), in, out);  // the SSL owns both BIOs from here
    if (role == tls_role::server) {
      SSL_set_accept_state(ssl_.get());
      return;
    }
    SSL_set_connect_state(ssl_.get());
    unsigned char ip[16];
    const bool is_ip = inet_pton(AF_INET, host.c_str(), ip) == 1 || inet_pton(AF_INET6, host.c_str(), ip) == 1;
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_.get());
    if (is_ip) {
      X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
    } else {
      X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
      // SNI; SSL_set_tlsext_host_name() is this call behind a C cast.
      SSL_ctrl(ssl_.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(host.c_str()));
    }
  }

  // Ciphertext the socket gave.
  void put_ciphertext(const void* data, std::size_t size) { BIO_write(in_, data, static_cast<int>(size)); }

  // Decrypted bytes into `out`: > 0 with status ok, otherwise 0 and why.
  std::size_t read(void* out, std::size_t size, status& result) {
    std::size_t got = 0;
    const int code = SSL_read_ex(ssl_.get(), out, size, &got);
    result = code == 1 ? status::ok : classify(code);
    return code == 1 ? got : 0;
  }

  // Encrypts plaintext; returns how much was taken (0 while the handshake
  // waits for the peer, or after a failure: see failed()).
  std::size_t write(const void* data, std::size_t size) {
    if (size == 0) return 0;
    std::size_t taken = 0;
    const int code = SSL_write_ex(ssl_.get(), data, size, &taken);
    if (code == 1) return taken;
    classify(code);
    return 0;
  }

  // Moves the ciphertext OpenSSL produced (handshake, records, alerts) to `queue`.
  void take_ciphertext(byte_queue& queue) {
    char chunk[16 * 1024];
    int n = 0;
    while ((n = BIO_read(out_, chunk, sizeof chunk)) > 0) {
      queue.append(std::string_view(chunk, static_cast<std::size_t>(n)));
    }
  }

  // Sends close_notify (its record is then in take_ciphertext()).
  void shutdown() {
    if (SSL_is_init_finished(ssl_.get())) SSL_shutdown(ssl_.get());
  }

  bool handshake_done() const { return SSL_is_init_finished(ssl_.get()) == 1; }
  bool failed() const noexcept { return !error_.empty(); }
  const std::string& error() const noexcept { return error_; }

 private:
  struct ssl_free {
    void operator()(SSL* ssl) const noexcept { SSL_free(ssl); }
  };

  status classify(int code) {
    switch (SSL_get_error(ssl_.get(), code)) {
      case SSL_ERROR_WANT_READ:
      case SSL_ERROR_WANT_WRITE:
        return status::need_more;
      case SSL_ERROR_ZERO_RETURN:
        return status::closed;  // the peer's close_notify
      default: {
        const long verify = SSL_get_verify_result(ssl_.get());
        error_ = verify != X509_V_OK ? std::string("certificate: ") + X509_verify_cert_error_string(verify)
                                     : tls_error_text();
        ERR_clear_error();
        return status::failed;
      }
    }
  }

  std::unique_ptr<SSL, ssl_free> ssl_;
  BIO* in_ = nullptr;
  BIO* out_ = nullptr;
  std::string error_;
};

}  // namespace example

#endif
