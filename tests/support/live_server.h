#pragma once
// The real `lifeline serve` as a child process on an ephemeral loopback port, with a
// fresh database in a temp dir, and a JSON client for its API. Stopped (SIGTERM) by the
// destructor; tests may also kill it hard to prove durability.

#include <boost/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http_client.h"
#include "temp_dir.h"

namespace lifeline::test {

namespace json = boost::json;

inline constexpr const char* admin_password = "admin-secret-1";

struct ApiResult {
    int status = 0;
    json::value body;  // null when the body is empty or not JSON
    std::string text;
    HttpResult raw;

    const json::object& obj() const { return body.as_object(); }
    std::int64_t id() const { return body.at("id").as_int64(); }
    // The `field` of every problem+json error, for asserting on validation.
    std::vector<std::string> error_fields() const;
};

class LiveServer {
  public:
    // Starts `lifeline serve` on `db_path` (default: a fresh file in its own temp dir).
    explicit LiveServer(std::optional<std::string> db_path = std::nullopt,
                        std::vector<std::string> extra_args = {});
    ~LiveServer();
    LiveServer(const LiveServer&) = delete;
    LiveServer& operator=(const LiveServer&) = delete;

    unsigned short port() const { return port_; }
    const std::string& db_path() const { return db_path_; }
    const std::string& output() const { return stdout_text_; }
    // The server's process id (-1 once stopped), e.g. to read /proc/<pid>/status.
    int pid() const { return pid_; }

    // SIGTERM and wait; returns the exit status (0 on a clean stop).
    int stop();
    // SIGKILL and wait: nothing gets to flush.
    void kill();

  private:
    std::unique_ptr<lifeline::testing::TempDir> dir_;
    std::string db_path_;
    int pid_ = -1;
    int stdout_fd_ = -1;
    unsigned short port_ = 0;
    std::string stdout_text_;
};

// A signed-in (or anonymous) client of the API.
class Api {
  public:
    Api(const LiveServer& server, std::string token = {});

    // Signs in and returns a client holding the token; REQUIREs success.
    static Api login(const LiveServer& server, const std::string& username,
                     const std::string& password);

    ApiResult get(const std::string& target);
    ApiResult post(const std::string& target, const json::value& body,
                   std::vector<std::pair<std::string, std::string>> headers = {});
    ApiResult patch(const std::string& target, const json::value& body);
    ApiResult put(const std::string& target, const json::value& body);
    ApiResult send(const std::string& method, const std::string& target, const std::string& body,
                   std::vector<std::pair<std::string, std::string>> headers = {});

    const std::string& token() const { return token_; }
    // The Accept-Language sent with every request ("en" unless changed; empty: none).
    void set_language(std::string language) { language_ = std::move(language); }

  private:
    std::unique_ptr<HttpClient> client_;
    std::string token_;
    std::string language_ = "en";
};

// The path of the lifeline binary under test.
std::string lifeline_binary();

// Runs `lifeline args…` to completion; returns {exit status, stdout+stderr}.
std::pair<int, std::string> run_lifeline(const std::vector<std::string>& args,
                                         const std::vector<std::string>& env = {});

}  // namespace lifeline::test
