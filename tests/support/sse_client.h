#pragma once
// A Server-Sent Events client for tests: one GET on its own connection, the head read,
// then events read as they come, each wait bounded.

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lifeline::test {

struct SseEvent {
    std::string id;
    std::string data;
};

class SseClient {
  public:
    // Connects and sends `GET target` with `headers`; reads the response head.
    SseClient(unsigned short port, const std::string& target,
              std::vector<std::pair<std::string, std::string>> headers = {});
    ~SseClient();
    SseClient(const SseClient&) = delete;
    SseClient& operator=(const SseClient&) = delete;

    int status() const { return status_; }
    std::optional<std::string> header(const std::string& name) const;
    const std::string& head_text() const { return head_; }

    // The next event (comments and `retry:` skipped), or nothing within `timeout`.
    std::optional<SseEvent> next(std::chrono::milliseconds timeout);
    // Whether a comment line (": …") arrived within `timeout`.
    bool comment_within(std::chrono::milliseconds timeout);
    // True if the server closes the connection within `timeout`.
    bool closed_within(std::chrono::milliseconds timeout);
    void close();

  private:
    bool fill(std::chrono::steady_clock::time_point deadline);  // false on timeout or EOF
    std::optional<std::string> frame(std::chrono::milliseconds timeout);

    int fd_ = -1;
    int status_ = 0;
    bool eof_ = false;
    std::string head_;
    std::string buffer_;
};

}  // namespace lifeline::test
