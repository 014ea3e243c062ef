#pragma once
// A blocking HTTP/1.1 client over POSIX sockets for tests: no Beast, so test builds
// stay fast. Keeps its connection alive between requests and reconnects when the
// server has closed it.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lifeline::test {

struct HttpResult {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    // Case-insensitive; the first header of that name.
    std::optional<std::string> header(std::string_view name) const;
};

class HttpClient {
  public:
    HttpClient(std::string host, unsigned short port);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Sends one request (adding Host and Content-Length) and reads its response.
    // Reconnects first if the server closed the kept-alive connection.
    HttpResult request(std::string method, std::string target, std::string body = {},
                       std::vector<std::pair<std::string, std::string>> headers = {});

    // Raw access for timeout and pipelining tests.
    void connect();  // a fresh connection (closes the current one)
    void close();
    bool connected() const { return fd_ >= 0; }
    // Sends bytes as they are; connects first if needed. False if the send failed.
    bool send_raw(std::string_view bytes);
    // Half-closes: the server sees the end of the request stream, the client can
    // still read.
    void shutdown_send();
    // Reads one response head only (status line and headers), e.g. a 100 Continue.
    HttpResult read_interim();
    // Reads one response from the connection (`head`: the request was HEAD).
    HttpResult read_response(bool head = false);
    // True if the server closes the connection within `timeout` (bytes it sends
    // before closing are read and dropped).
    bool wait_for_close(std::chrono::milliseconds timeout);

    // How long a read may block before request()/read_response() throw (default 10 s).
    void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }

  private:
    bool peer_closed();                  // the server closed the idle connection
    std::size_t fill(std::size_t want);  // reads more; returns bytes added, 0 on EOF
    std::string read_line();
    std::string read_exact(std::size_t n);

    std::string host_;
    unsigned short port_;
    int fd_ = -1;
    std::string buffer_;  // received, not yet consumed
    std::chrono::milliseconds timeout_{10000};
};

}  // namespace lifeline::test
