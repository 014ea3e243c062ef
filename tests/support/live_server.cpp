#include "live_server.h"

#include <algorithm>
#include <cstdlib>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace lifeline::test {
namespace {

// Starts `argv` with stdout (and stderr, if `merge`) on a pipe; returns {pid, read fd}.
std::pair<int, int> spawn(const std::vector<std::string>& args, const std::vector<std::string>& env,
                          bool merge_stderr, const std::string& stderr_file = {}) {
    int fds[2];
    if (pipe(fds) != 0)
        throw std::runtime_error("pipe failed");
    int pid = fork();
    if (pid < 0)
        throw std::runtime_error("fork failed");
    if (pid == 0) {
        dup2(fds[1], 1);
        if (merge_stderr)
            dup2(fds[1], 2);
        if (!stderr_file.empty()) {
            int log = open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (log >= 0)
                dup2(log, 2);
        }
        close(fds[0]);
        close(fds[1]);
        for (const auto& e : env)
            putenv(const_cast<char*>(e.c_str()));
        std::vector<char*> argv;
        for (const auto& a : args)
            argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(fds[1]);
    return {pid, fds[0]};
}

int wait_exit(int pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

ApiResult to_result(HttpResult raw) {
    ApiResult r;
    r.status = raw.status;
    r.text = raw.body;
    if (!raw.body.empty()) {
        boost::system::error_code ec;
        r.body = json::parse(raw.body, ec);
        if (ec)
            r.body = nullptr;
    }
    r.raw = std::move(raw);
    return r;
}

}  // namespace

std::vector<std::string> ApiResult::error_fields() const {
    std::vector<std::string> out;
    if (!body.is_object())
        return out;
    if (auto* errs = body.as_object().if_contains("errors"))
        for (const auto& e : errs->as_array())
            out.emplace_back(e.as_object().at("field").as_string());
    return out;
}

// LIFELINE_TEST_SERVER runs the tests against another build of the server, e.g. an
// older one, to show that a new test fails there.
std::string lifeline_binary() {
    if (const char* other = std::getenv("LIFELINE_TEST_SERVER"); other && *other)
        return other;
    return LIFELINE_BIN;
}

LiveServer::LiveServer(std::optional<std::string> db_path, std::vector<std::string> extra_args) {
    if (db_path) {
        db_path_ = *db_path;
    } else {
        dir_ = std::make_unique<lifeline::testing::TempDir>();
        db_path_ = dir_->file("lifeline.db");
    }
    std::vector<std::string> args{lifeline_binary(), "serve",       "--db",      db_path_,
                                  "--listen",        "127.0.0.1:0", "--threads", "2"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    // The access log goes to a file next to the database, not into the test output.
    auto [pid, fd] = spawn(args, {std::string("LIFELINE_ADMIN_PASSWORD=") + admin_password}, false,
                           db_path_ + ".log");
    pid_ = pid;
    stdout_fd_ = fd;

    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{stdout_fd_, POLLIN, 0};
        if (poll(&p, 1, 200) <= 0)
            continue;
        char buf[1024];
        ssize_t n = read(stdout_fd_, buf, sizeof buf);
        if (n <= 0)
            break;
        stdout_text_.append(buf, std::size_t(n));
        // "listening on http://127.0.0.1:PORT", or https:// with --tls-cert.
        auto at = stdout_text_.find("listening on http");
        auto colon = at == std::string::npos ? at : stdout_text_.find("127.0.0.1:", at);
        if (colon != std::string::npos) {
            auto eol = stdout_text_.find('\n', colon);
            if (eol == std::string::npos)
                continue;
            port_ = static_cast<unsigned short>(
                std::stoi(stdout_text_.substr(colon + std::strlen("127.0.0.1:"))));
            return;
        }
    }
    ::kill(pid_, SIGKILL);
    wait_exit(pid_);
    throw std::runtime_error("lifeline serve did not start; it printed: " + stdout_text_);
}

LiveServer::~LiveServer() {
    if (pid_ > 0)
        stop();
    if (stdout_fd_ >= 0)
        close(stdout_fd_);
}

int LiveServer::stop() {
    if (pid_ <= 0)
        return -1;
    ::kill(pid_, SIGTERM);
    int status = wait_exit(pid_);
    pid_ = -1;
    return status;
}

void LiveServer::kill() {
    if (pid_ <= 0)
        return;
    ::kill(pid_, SIGKILL);
    wait_exit(pid_);
    pid_ = -1;
}

Api::Api(const LiveServer& server, std::string token)
    : client_(std::make_unique<HttpClient>("127.0.0.1", server.port())), token_(std::move(token)) {}

Api Api::login(const LiveServer& server, const std::string& username, const std::string& password) {
    Api anon(server);
    auto r = anon.post("/api/v1/auth/login",
                       json::object{{"username", username}, {"password", password}});
    INFO(r.text);
    REQUIRE(r.status == 200);
    return Api(server, std::string(r.obj().at("token").as_string()));
}

ApiResult Api::send(const std::string& method, const std::string& target, const std::string& body,
                    std::vector<std::pair<std::string, std::string>> headers) {
    if (!token_.empty())
        headers.emplace_back("Authorization", "Bearer " + token_);
    const bool asks_language = std::any_of(
        headers.begin(), headers.end(), [](const auto& h) { return h.first == "Accept-Language"; });
    if (!language_.empty() && !asks_language)
        headers.emplace_back("Accept-Language", language_);
    if (!body.empty())
        headers.emplace_back("Content-Type", "application/json");
    return to_result(client_->request(method, target, body, headers));
}

ApiResult Api::get(const std::string& target) {
    return send("GET", target, "");
}
ApiResult Api::post(const std::string& target, const json::value& body,
                    std::vector<std::pair<std::string, std::string>> headers) {
    return send("POST", target, json::serialize(body), std::move(headers));
}
ApiResult Api::patch(const std::string& target, const json::value& body) {
    return send("PATCH", target, json::serialize(body));
}
ApiResult Api::put(const std::string& target, const json::value& body) {
    return send("PUT", target, json::serialize(body));
}

std::pair<int, std::string> run_lifeline(const std::vector<std::string>& args,
                                         const std::vector<std::string>& env) {
    std::vector<std::string> full{lifeline_binary()};
    full.insert(full.end(), args.begin(), args.end());
    auto [pid, fd] = spawn(full, env, true);
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        out.append(buf, std::size_t(n));
    close(fd);
    return {wait_exit(pid), out};
}

}  // namespace lifeline::test
