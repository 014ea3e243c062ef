#include "sse_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace lifeline::test {

namespace {
std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}
}  // namespace

SseClient::SseClient(unsigned short port, const std::string& target,
                     std::vector<std::pair<std::string, std::string>> headers) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0)
        throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        throw std::runtime_error("connect failed");
    std::string req =
        "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
    for (const auto& [k, v] : headers)
        req += k + ": " + v + "\r\n";
    req += "\r\n";
    if (::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != ssize_t(req.size()))
        throw std::runtime_error("send failed");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos)
        if (!fill(deadline))
            throw std::runtime_error("no response head: " + buffer_);
    head_ = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    status_ = std::stoi(head_.substr(9, 3));
}

SseClient::~SseClient() {
    close();
}

void SseClient::close() {
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = -1;
}

std::optional<std::string> SseClient::header(const std::string& name) const {
    const std::string h = lower(head_);
    const std::string key = "\r\n" + lower(name) + ":";
    auto at = h.find(key);
    if (at == std::string::npos)
        return std::nullopt;
    auto start = at + key.size();
    auto stop = h.find("\r\n", start);
    std::string v =
        head_.substr(start, stop == std::string::npos ? std::string::npos : stop - start);
    while (!v.empty() && v.front() == ' ')
        v.erase(0, 1);
    return v;
}

bool SseClient::fill(std::chrono::steady_clock::time_point deadline) {
    if (eof_ || fd_ < 0)
        return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
        return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, int(left.count())) <= 0)
        return false;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
        eof_ = true;
        return false;
    }
    buffer_.append(buf, std::size_t(n));
    return true;
}

// The next frame (up to a blank line), whatever it holds.
std::optional<std::string> SseClient::frame(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t end;
    while ((end = buffer_.find("\n\n")) == std::string::npos)
        if (!fill(deadline))
            return std::nullopt;
    std::string f = buffer_.substr(0, end);
    buffer_.erase(0, end + 2);
    return f;
}

std::optional<SseEvent> SseClient::next(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        auto f = frame(std::max(left, std::chrono::milliseconds(0)));
        if (!f)
            return std::nullopt;
        SseEvent ev;
        bool has_data = false;
        std::size_t pos = 0;
        while (pos <= f->size()) {
            auto nl = f->find('\n', pos);
            std::string line =
                f->substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
            if (line.rfind("id: ", 0) == 0)
                ev.id = line.substr(4);
            if (line.rfind("data: ", 0) == 0) {
                ev.data += line.substr(6);
                has_data = true;
            }
            if (nl == std::string::npos)
                break;
            pos = nl + 1;
        }
        if (has_data)
            return ev;
    }
}

bool SseClient::comment_within(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        auto f = frame(std::max(left, std::chrono::milliseconds(0)));
        if (!f)
            return false;
        if (f->rfind(":", 0) == 0 && f->find("lifeline events") == std::string::npos)
            return true;
    }
}

bool SseClient::closed_within(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (fill(deadline))
        buffer_.clear();
    return eof_;
}

}  // namespace lifeline::test
