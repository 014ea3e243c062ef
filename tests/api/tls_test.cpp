// HTTPS: `lifeline serve --tls-cert --tls-key` with a certificate made at test time by
// the openssl CLI, spoken to by an OpenSSL client that verifies it.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "fixture.h"

using namespace lifeline::test;

namespace {

struct KeyPair {
    std::string cert;
    std::string key;
};

// A self-signed certificate for 127.0.0.1, as docs/security.md tells an operator to make.
KeyPair make_certificate(const lifeline::testing::TempDir& dir, const std::string& name) {
    KeyPair k{dir.file(name + "-cert.pem"), dir.file(name + "-key.pem")};
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
        "-subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout '" +
        k.key + "' -out '" + k.cert + "' 2>/dev/null";
    REQUIRE(std::system(command.c_str()) == 0);
    return k;
}

std::string openssl_errors() {
    std::string out;
    while (unsigned long code = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        out += buf;
        out += '\n';
    }
    return out;
}

struct TlsExchange {
    bool handshake = false;
    std::string error;     // OpenSSL's errors when the handshake failed
    std::string version;   // "TLSv1.3"
    std::string response;  // everything the server sent until it closed
};

// Connects to 127.0.0.1:port, verifies the server against `ca`, sends `request` and
// reads until the server closes. `version` pins the protocol (e.g. TLS1_1_VERSION);
// the client's own security level is lowered so that an old version is refused by the
// server, not by us.
TlsExchange tls_exchange(unsigned short port, const std::string& ca, const std::string& request,
                         int version = 0) {
    TlsExchange out;
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    REQUIRE(ctx);
    SSL_CTX_set_security_level(ctx, 0);
    if (version != 0) {
        SSL_CTX_set_min_proto_version(ctx, version);
        SSL_CTX_set_max_proto_version(ctx, version);
    }
    REQUIRE(SSL_CTX_load_verify_locations(ctx, ca.c_str(), nullptr) == 1);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);

    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    timeval tv{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);

    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set1_host(ssl, "127.0.0.1");
    ERR_clear_error();
    if (SSL_connect(ssl) == 1) {
        out.handshake = true;
        out.version = SSL_get_version(ssl);
        REQUIRE(SSL_write(ssl, request.data(), int(request.size())) == int(request.size()));
        char buf[4096];
        int n;
        while ((n = SSL_read(ssl, buf, sizeof buf)) > 0)
            out.response.append(buf, std::size_t(n));
    } else {
        out.error = openssl_errors();
    }
    SSL_free(ssl);
    ::close(fd);
    SSL_CTX_free(ctx);
    return out;
}

bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("serve --tls-cert --tls-key answers HTTPS only, TLS 1.2 or later, with HSTS",
          "[api][tls]") {
    lifeline::testing::TempDir dir;
    const KeyPair k = make_certificate(dir, "server");
    LiveServer server(std::nullopt, {"--tls-cert", k.cert, "--tls-key", k.key});
    CHECK(contains(server.output(), "listening on https://127.0.0.1:"));
    const std::string get_health =
        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

    SECTION("an HTTPS request is answered, with Strict-Transport-Security") {
        auto x = tls_exchange(server.port(), k.cert, get_health);
        INFO(x.error);
        REQUIRE(x.handshake);
        CHECK(contains(x.response, "HTTP/1.1 200 OK\r\n"));
        CHECK(contains(x.response, "Strict-Transport-Security: max-age=31536000\r\n"));
    }
    SECTION("TLS 1.2 is accepted") {
        auto x = tls_exchange(server.port(), k.cert, get_health, TLS1_2_VERSION);
        INFO(x.error);
        REQUIRE(x.handshake);
        CHECK(x.version == "TLSv1.2");
        CHECK(contains(x.response, "HTTP/1.1 200 OK\r\n"));
    }
    SECTION("TLS 1.1 and 1.0 are refused by the server") {
        for (int version : {TLS1_1_VERSION, TLS1_VERSION}) {
            auto x = tls_exchange(server.port(), k.cert, get_health, version);
            INFO(version);
            CHECK_FALSE(x.handshake);
            // The server's alert, not a client that could not offer the version.
            CHECK(contains(x.error, "protocol version"));
        }
    }
    SECTION("plain HTTP to the HTTPS port is told to use https, and closed") {
        HttpClient plain("127.0.0.1", server.port());
        plain.connect();
        REQUIRE(plain.send_raw(get_health));
        auto res = plain.read_response();
        CHECK(res.status == 400);
        CHECK(res.header("Content-Type") == "application/problem+json");
        CHECK(contains(res.body, "https"));
        // By code, in Chinese: nothing of the request was read, so no Accept-Language.
        CHECK(contains(res.body, R"("code":"http.https_only")"));
        CHECK(contains(res.body, "此端口只接受 HTTPS"));
        CHECK(plain.wait_for_close(std::chrono::seconds(2)));
        // The server goes on serving HTTPS.
        auto x = tls_exchange(server.port(), k.cert, get_health);
        CHECK(contains(x.response, "HTTP/1.1 200 OK\r\n"));
    }
    SECTION("a TLS client that never finishes its handshake does not hold the server") {
        HttpClient idle("127.0.0.1", server.port());
        idle.connect();
        REQUIRE(idle.send_raw(std::string("\x16\x03\x01", 3)));  // the start of a record
        auto x = tls_exchange(server.port(), k.cert, get_health);
        CHECK(contains(x.response, "HTTP/1.1 200 OK\r\n"));
    }
}

TEST_CASE("serve refuses to start when its certificate or key cannot serve HTTPS", "[api][tls]") {
    lifeline::testing::TempDir dir;
    const KeyPair a = make_certificate(dir, "a");
    const KeyPair b = make_certificate(dir, "b");
    const auto serve = [&](std::vector<std::string> tls_args) {
        std::vector<std::string> args{"serve", "--db", dir.file("tls.db"), "--listen",
                                      "127.0.0.1:0"};
        args.insert(args.end(), tls_args.begin(), tls_args.end());
        return run_lifeline(args, {std::string("LIFELINE_ADMIN_PASSWORD=") + admin_password});
    };

    SECTION("a certificate file that does not exist") {
        auto [status, out] = serve({"--tls-cert", dir.file("missing.pem"), "--tls-key", a.key});
        CHECK(status == 1);
        CHECK(contains(out, "cannot read the TLS certificate " + dir.file("missing.pem")));
        CHECK(contains(out, "No such file or directory"));
    }
    SECTION("a key that belongs to another certificate") {
        auto [status, out] = serve({"--tls-cert", a.cert, "--tls-key", b.key});
        CHECK(status == 1);
        CHECK(contains(out, "the TLS key " + b.key + " does not match the certificate " + a.cert));
    }
    SECTION("a certificate given as the key") {
        auto [status, out] = serve({"--tls-cert", a.cert, "--tls-key", a.cert});
        CHECK(status == 1);
        CHECK(contains(out, "the TLS key " + a.cert + " is not a PEM private key"));
    }
    SECTION("a file that is not a certificate") {
        auto [status, out] = serve({"--tls-cert", a.key, "--tls-key", a.key});
        CHECK(status == 1);
        CHECK(contains(out, "the TLS certificate " + a.key + " is not a PEM certificate"));
    }
    SECTION("a certificate without its key") {
        auto [status, out] = serve({"--tls-cert", a.cert});
        CHECK(status == 1);
        CHECK(contains(out, "--tls-cert and --tls-key go together"));
    }
    // It stopped before touching the database.
    CHECK_FALSE(std::filesystem::exists(dir.file("tls.db")));
}
