#include "http_client.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace lifeline::test {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return std::string(s);
}

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

std::optional<std::string> HttpResult::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name))
            return value;
    }
    return std::nullopt;
}

HttpClient::HttpClient(std::string host, unsigned short port)
    : host_(std::move(host)), port_(port) {}

HttpClient::~HttpClient() {
    close();
}

void HttpClient::connect() {
    close();
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(port_);
    if (int rc = ::getaddrinfo(host_.c_str(), port.c_str(), &hints, &found); rc != 0) {
        throw std::runtime_error("cannot resolve " + host_ + ": " + ::gai_strerror(rc));
    }
    int err = 0;
    for (addrinfo* ai = found; ai; ai = ai->ai_next) {
        int fd = ::socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            fd_ = fd;
            break;
        }
        err = errno;
        ::close(fd);
    }
    ::freeaddrinfo(found);
    if (fd_ < 0) {
        errno = err;
        throw_errno("cannot connect to " + host_ + ":" + port);
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

void HttpClient::close() {
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = -1;
    buffer_.clear();
}

bool HttpClient::send_raw(std::string_view bytes) {
    if (fd_ < 0)
        connect();
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

void HttpClient::shutdown_send() {
    if (fd_ >= 0)
        ::shutdown(fd_, SHUT_WR);
}

bool HttpClient::peer_closed() {
    if (fd_ < 0)
        return true;
    if (!buffer_.empty())
        return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0)
        return false;  // nothing pending: still open
    char c;
    const ssize_t n = ::recv(fd_, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n <= 0;  // EOF or reset; data would mean a stray response
}

std::size_t HttpClient::fill(std::size_t want) {
    if (fd_ < 0)
        throw std::runtime_error("not connected");
    pollfd p{fd_, POLLIN, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(timeout_.count()));
    if (rc == 0)
        throw std::runtime_error("timed out waiting for the server");
    if (rc < 0)
        throw_errno("poll");
    char chunk[16 * 1024];
    const ssize_t n = ::recv(fd_, chunk, std::min(sizeof chunk, std::max<std::size_t>(want, 1)), 0);
    if (n < 0) {
        if (errno == ECONNRESET)
            return 0;
        throw_errno("recv");
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return static_cast<std::size_t>(n);
}

std::string HttpClient::read_line() {
    for (;;) {
        const auto end = buffer_.find("\r\n");
        if (end != std::string::npos) {
            std::string line = buffer_.substr(0, end);
            buffer_.erase(0, end + 2);
            return line;
        }
        if (fill(sizeof(char) * 16 * 1024) == 0)
            throw std::runtime_error("connection closed in the middle of a line");
    }
}

std::string HttpClient::read_exact(std::size_t n) {
    while (buffer_.size() < n) {
        if (fill(n - buffer_.size()) == 0)
            throw std::runtime_error("connection closed in the middle of a body");
    }
    std::string out = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return out;
}

HttpResult HttpClient::read_interim() {
    HttpResult result;
    const std::string status_line = read_line();
    // "HTTP/1.1 200 OK"
    const auto sp = status_line.find(' ');
    if (status_line.rfind("HTTP/", 0) != 0 || sp == std::string::npos)
        throw std::runtime_error("bad status line: " + status_line);
    result.status = std::stoi(status_line.substr(sp + 1, 3));
    for (;;) {
        const std::string line = read_line();
        if (line.empty())
            break;
        const auto colon = line.find(':');
        if (colon == std::string::npos)
            throw std::runtime_error("bad header: " + line);
        result.headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
    }
    return result;
}

HttpResult HttpClient::read_response(bool head) {
    HttpResult result = read_interim();
    while (result.status < 200)
        result = read_interim();  // skip 1xx

    const bool no_body = head || result.status == 204 || result.status == 304;
    const auto te = result.header("Transfer-Encoding");
    const auto cl = result.header("Content-Length");
    if (no_body) {
    } else if (te && te->find("chunked") != std::string::npos) {
        for (;;) {
            const std::string size_line = read_line();
            const std::size_t size = std::stoul(size_line, nullptr, 16);
            if (size == 0) {
                while (!read_line().empty()) {
                }  // trailers
                break;
            }
            result.body += read_exact(size);
            read_exact(2);  // CRLF
        }
    } else if (cl) {
        result.body = read_exact(std::stoul(*cl));
    } else {
        while (fill(16 * 1024) > 0) {
        }
        result.body = std::move(buffer_);
        buffer_.clear();
        close();
    }
    const auto connection = result.header("Connection");
    if (connection && iequals(*connection, "close"))
        close();
    return result;
}

HttpResult HttpClient::request(std::string method, std::string target, std::string body,
                               std::vector<std::pair<std::string, std::string>> headers) {
    std::string wire = method + " " + target + " HTTP/1.1\r\n";
    bool has_host = false;
    for (const auto& [name, value] : headers) {
        if (iequals(name, "host"))
            has_host = true;
        wire += name + ": " + value + "\r\n";
    }
    if (!has_host)
        wire += "Host: " + host_ + ":" + std::to_string(port_) + "\r\n";
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
        wire += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    wire += "\r\n";
    wire += body;

    const bool head = method == "HEAD";
    // A kept-alive connection the server has since closed is retried once on a fresh
    // one; a failure on a fresh connection is real.
    for (int attempt = 0;; ++attempt) {
        const bool reused = fd_ >= 0;
        if (reused && peer_closed()) {
            close();
            continue;
        }
        if (!send_raw(wire)) {
            if (reused && attempt == 0) {
                close();
                continue;
            }
            throw_errno("send");
        }
        try {
            return read_response(head);
        } catch (const std::runtime_error&) {
            if (reused && attempt == 0 && buffer_.empty()) {
                close();
                continue;
            }
            throw;
        }
    }
}

bool HttpClient::wait_for_close(std::chrono::milliseconds timeout) {
    if (fd_ < 0)
        return true;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return false;
        pollfd p{fd_, POLLIN, 0};
        const int rc = ::poll(&p, 1, static_cast<int>(left.count()));
        if (rc == 0)
            return false;
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            throw_errno("poll");
        }
        char chunk[4096];
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) {
            close();
            return true;
        }
    }
}

}  // namespace lifeline::test
