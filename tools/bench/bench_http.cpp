// lifeline-bench http: the server against the ceiling, and durable writes against reads, in
// one run on a fresh database. Starts the real `lifeline serve` and the minimal Beast
// server of `lifeline-bench reference-server` as child processes on loopback ports, then
// drives them from N keep-alive connections with the same client: the authenticated read
// (GET /api/v1/vehicles/{id}) and GET /healthz on both, then whole-trip logging
// (POST /api/v1/trips) on lifeline, each write answered only after its commit is on disk.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench.h"

namespace lifeline::bench {
namespace {

using Clock = std::chrono::steady_clock;

// A minimal blocking HTTP/1.1 client: one keep-alive connection, Content-Length bodies.
class Connection {
  public:
    explicit Connection(unsigned short port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
            throw std::runtime_error("cannot connect to the server");
        int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~Connection() { ::close(fd_); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Returns {status, body}.
    // `key`, when given, is sent as the request's Idempotency-Key.
    std::pair<int, std::string> request(const std::string& method, const std::string& target,
                                        const std::string& token, const std::string& body = {},
                                        const std::string& key = {}) {
        std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        if (!token.empty())
            req += "Authorization: Bearer " + token + "\r\n";
        if (!key.empty())
            req += "Idempotency-Key: " + key + "\r\n";
        if (!body.empty())
            req += "Content-Type: application/json\r\n";
        req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        for (std::size_t sent = 0; sent < req.size();) {
            ssize_t n = ::send(fd_, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
            if (n <= 0)
                throw std::runtime_error("send failed");
            sent += std::size_t(n);
        }
        std::size_t head_end;
        while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos)
            fill();
        std::string head = buffer_.substr(0, head_end);
        int status = std::atoi(head.c_str() + 9);
        std::size_t length = 0;
        for (std::size_t pos = 0; pos < head.size();) {
            std::size_t eol = head.find("\r\n", pos);
            if (eol == std::string::npos)
                eol = head.size();
            std::string line = head.substr(pos, eol - pos);
            std::transform(line.begin(), line.end(), line.begin(), ::tolower);
            if (line.rfind("content-length:", 0) == 0)
                length = std::stoul(line.substr(15));
            pos = eol + 2;
        }
        std::size_t total = head_end + 4 + length;
        while (buffer_.size() < total)
            fill();
        std::string out = buffer_.substr(head_end + 4, length);
        buffer_.erase(0, total);
        return {status, out};
    }

  private:
    void fill() {
        char buf[16384];
        ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0)
            throw std::runtime_error("connection closed");
        buffer_.append(buf, std::size_t(n));
    }
    int fd_ = -1;
    std::string buffer_;
};

std::int64_t json_int(const std::string& body, const std::string& key) {
    auto at = body.find("\"" + key + "\":");
    if (at == std::string::npos)
        throw std::runtime_error("no '" + key + "' in " + body);
    return std::stoll(body.substr(at + key.size() + 3));
}

std::string json_text(const std::string& body, const std::string& key) {
    auto at = body.find("\"" + key + "\":\"");
    if (at == std::string::npos)
        throw std::runtime_error("no '" + key + "' in " + body);
    auto start = at + key.size() + 4;
    return body.substr(start, body.find('"', start) - start);
}

// CPU seconds (user + system) the process `pid` has used so far.
double cpu_seconds(pid_t pid) {
    std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
    if (!f)
        return 0;
    char buf[2048];
    std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = 0;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const char* p = std::strrchr(buf, ')');
    if (!p)
        return 0;
    unsigned long utime = 0, stime = 0;
    std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime);
    return double(utime + stime) / double(::sysconf(_SC_CLK_TCK));
}

// The machine's CPU time so far, in clock ticks: all of it, and the idle part (idle and
// waiting for I/O), from the first line of /proc/stat.
struct MachineTicks {
    unsigned long long total = 0, idle = 0;
};

MachineTicks machine_ticks() {
    MachineTicks t;
    std::FILE* f = std::fopen("/proc/stat", "r");
    if (!f)
        return t;
    unsigned long long v[8] = {};
    const int n = std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
                              &v[3], &v[4], &v[5], &v[6], &v[7]);
    std::fclose(f);
    for (int i = 0; i < n; ++i)
        t.total += v[i];
    t.idle = v[3] + v[4];
    return t;
}

struct Phase {
    double server_cpu_us = 0;  // server CPU per answered request
    double client_cpu_us = 0;  // this client's CPU per answered request
    double idle_pct = 0;       // share of the machine's CPU time left idle
    double per_second = 0;
    double p50_ms = 0, p99_ms = 0;
    long requests = 0, errors = 0;
};

// Runs `one(connection, worker, n)` on `connections` threads for `seconds`.
template <class One>
Phase run_phase(pid_t server, unsigned short port, int connections, double seconds, One one) {
    std::atomic<bool> go{false}, stop{false};
    std::vector<std::vector<double>> latencies(static_cast<std::size_t>(connections));
    std::vector<long> errors(std::size_t(connections), 0);
    std::vector<std::thread> threads;
    for (int w = 0; w < connections; ++w)
        threads.emplace_back([&, w] {
            Connection c(port);
            while (!go)
                std::this_thread::yield();
            for (long n = 0; !stop; ++n) {
                auto t0 = Clock::now();
                bool ok = one(c, w, n);
                auto t1 = Clock::now();
                latencies[std::size_t(w)].push_back(
                    std::chrono::duration<double, std::milli>(t1 - t0).count());
                if (!ok)
                    ++errors[std::size_t(w)];
            }
        });
    auto start = Clock::now();
    const double cpu_before = cpu_seconds(server);
    const double client_before = cpu_seconds(::getpid());
    const MachineTicks machine_before = machine_ticks();
    go = true;
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& t : threads)
        t.join();
    const double cpu = cpu_seconds(server) - cpu_before;
    const double client_cpu = cpu_seconds(::getpid()) - client_before;
    const MachineTicks machine_after = machine_ticks();
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

    std::vector<double> all;
    Phase p;
    for (int w = 0; w < connections; ++w) {
        all.insert(all.end(), latencies[std::size_t(w)].begin(), latencies[std::size_t(w)].end());
        p.errors += errors[std::size_t(w)];
    }
    std::sort(all.begin(), all.end());
    p.requests = long(all.size());
    if (machine_after.total > machine_before.total)
        p.idle_pct = 100.0 * double(machine_after.idle - machine_before.idle) /
                     double(machine_after.total - machine_before.total);
    p.per_second = double(all.size() - std::size_t(p.errors)) / elapsed;
    if (!all.empty()) {
        p.server_cpu_us = cpu * 1e6 / double(all.size());
        p.client_cpu_us = client_cpu * 1e6 / double(all.size());
        p.p50_ms = all[all.size() / 2];
        p.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
    }
    return p;
}

void usage() {
    std::printf(
        "usage: lifeline-bench http [--connections N] [--seconds S] [--server PATH]\n\n"
        "Starts `lifeline serve` on a fresh database in a temp dir and the minimal Beast\n"
        "keep-alive server of `lifeline-bench reference-server` (the ceiling, answering\n"
        "from memory with bodies as long as lifeline's), then measures for S seconds each\n"
        "  ref-read, read:     GET /api/v1/vehicles/{id} (authenticated on lifeline),\n"
        "  ref-health, health: GET /healthz,\n"
        "  write: POST /api/v1/trips on lifeline (a whole trip with one ride; answered\n"
        "         after the commit is durable; with --keyed each carries its own\n"
        "         Idempotency-Key, as the drivers' phones send it),\n"
        "each from N keep-alive connections with the same client, and prints the rates,\n"
        "the server's and this client's CPU per request, the machine's idle share, the\n"
        "ratios read/ref-read, health/ref-health and write/read, and write/read by CPU per\n"
        "request (the ratio if neither phase left a core idle).\n\n"
        "  --connections N  concurrent connections (default 64)\n"
        "  --seconds S      duration of each phase (default 5)\n"
        "  --server PATH    the lifeline binary (default: next to lifeline-bench)\n"
        "  --threads N      the server's I/O threads (default 2)\n"
        "  --workers N      the server's handler threads (default: the server's own)\n"
        "  --rounds N       run the five phases N times over, each round's ratios from\n"
        "                   phases seconds apart, then the median of each ratio\n"
        "  --keyed          each write with an Idempotency-Key (stored with the trip)\n"
        "  --only PHASE     one phase alone, no ratios: read, health, write, ref-read or\n"
        "                   ref-health (for a profiler: the measured server's pid is\n"
        "                   printed on stderr before the phase starts)\n");
}

struct HttpOptions {
    int connections = 64;
    int io_threads = 2;
    int workers = 0;  // 0: the server's own default
    double seconds = 5;
    std::string server;
    std::string only;    // one phase against lifeline alone (for a profiler), or all
    int rounds = 1;      // the five phases, this many times over
    bool keyed = false;  // writes carry an Idempotency-Key
};

// Reads the options into `o`; returns an exit status when there is nothing to run.
std::optional<int> parse_http_options(int argc, char** argv, HttpOptions& o) {
    o.server = (std::filesystem::path(argv[-1]).parent_path() / "lifeline").string();
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                throw std::runtime_error(a + " needs a value");
            return argv[++i];
        };
        if (a == "--help" || a == "-h") {
            usage();
            return 0;
        } else if (a == "--connections") {
            o.connections = std::stoi(value());
        } else if (a == "--seconds") {
            o.seconds = std::stod(value());
        } else if (a == "--server") {
            o.server = value();
        } else if (a == "--threads") {
            o.io_threads = std::stoi(value());
        } else if (a == "--workers") {
            o.workers = std::stoi(value());
        } else if (a == "--keyed") {
            o.keyed = true;
        } else if (a == "--rounds") {
            o.rounds = std::max(1, std::stoi(value()));
        } else if (a == "--only") {
            o.only = value();
            if (o.only != "read" && o.only != "health" && o.only != "write" &&
                o.only != "ref-read" && o.only != "ref-health") {
                std::fprintf(stderr,
                             "lifeline-bench http: --only takes read, health, write, ref-read or "
                             "ref-health\n");
                return 2;
            }
        } else {
            std::fprintf(stderr, "lifeline-bench http: unknown option %s\n", a.c_str());
            return 2;
        }
    }
    return std::nullopt;
}

// Forks and execs `args` (args[0] the program); its stdout comes back on `*stdout_fd`,
// its stderr goes to /dev/null (the access log would cost the server more than the work).
pid_t start_process(const std::vector<std::string>& args, int* stdout_fd) {
    int out[2];
    if (::pipe(out) != 0)
        throw std::runtime_error("pipe failed");
    std::vector<char*> argv;
    for (const auto& a : args)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(out[1], 1);
        int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, 2);
        ::setenv("LIFELINE_ADMIN_PASSWORD", "bench-password", 1);
        ::execv(argv[0], argv.data());
        _exit(127);
    }
    ::close(out[1]);
    *stdout_fd = out[0];
    return pid;
}

std::vector<std::string> server_args(const HttpOptions& o, const std::string& db) {
    std::vector<std::string> args{
        o.server,   "serve",       "--db",      db,
        "--listen", "127.0.0.1:0", "--threads", std::to_string(o.io_threads)};
    if (o.workers > 0)
        args.insert(args.end(), {"--workers", std::to_string(o.workers)});
    return args;
}

// The port from the server's "listening on" line; 0 when it exits before printing it.
unsigned short read_listening_port(int fd) {
    std::string printed;
    unsigned short port = 0;
    while (port == 0) {
        char buf[512];
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0)
            return 0;
        printed.append(buf, std::size_t(n));
        auto at = printed.find("listening on http://127.0.0.1:");
        if (at != std::string::npos && printed.find('\n', at) != std::string::npos)
            port = static_cast<unsigned short>(std::atoi(printed.c_str() + at + 30));
    }
    return port;
}

// What the phases use: the admin's token, a driver, a patient and one vehicle per
// connection, so each connection's odometer only grows.
struct HttpFixture {
    std::string token;
    std::int64_t driver = 0;
    std::int64_t patient = 0;
    std::vector<std::int64_t> vehicles;
};

HttpFixture set_up_fixture(Connection& setup, int connections) {
    HttpFixture f;
    auto [st, login] = setup.request("POST", "/api/v1/auth/login", "",
                                     R"({"username":"admin","password":"bench-password"})");
    if (st != 200)
        throw std::runtime_error("login failed: " + login);
    f.token = json_text(login, "token");
    f.driver = json_int(setup
                            .request("POST", "/api/v1/drivers", f.token,
                                     R"({"name":"王建国","home":{"lat":43.83,"lon":126.54}})")
                            .second,
                        "id");
    f.patient = json_int(setup
                             .request("POST", "/api/v1/patients", f.token,
                                      R"({"name":"孙秀英","lat":43.84,"lon":126.52})")
                             .second,
                         "id");
    for (int w = 0; w < connections; ++w)
        f.vehicles.push_back(json_int(
            setup
                .request("POST", "/api/v1/vehicles", f.token,
                         R"({"plate":"吉B·)" + std::to_string(10000 + w) + R"(","seats":4})")
                .second,
            "id"));
    return f;
}

Phase measure_reads(pid_t pid, unsigned short port, const HttpOptions& o, const HttpFixture& f) {
    return run_phase(pid, port, o.connections, o.seconds, [&](Connection& c, int w, long) {
        return c.request("GET", "/api/v1/vehicles/" + std::to_string(f.vehicles[std::size_t(w)]),
                         f.token)
                   .first == 200;
    });
}

Phase measure_health(pid_t pid, unsigned short port, const HttpOptions& o) {
    return run_phase(pid, port, o.connections, o.seconds, [&](Connection& c, int, long) {
        return c.request("GET", "/healthz", "").first == 200;
    });
}

// `odometer[w]`: where connection w's vehicle stands, carried from round to round (a
// trip's odometer continues from the vehicle's last one).
Phase measure_writes(pid_t pid, unsigned short port, const HttpOptions& o, const HttpFixture& f,
                     std::vector<long>& odometer) {
    odometer.resize(std::size_t(o.connections), 0);
    return run_phase(pid, port, o.connections, o.seconds, [&](Connection& c, int w, long) {
        const long km = odometer[std::size_t(w)];
        odometer[std::size_t(w)] += 40;
        char body[768];
        std::snprintf(
            body, sizeof body,
            R"({"vehicle_id":%lld,"driver_id":%lld,)"
            R"("started_at":"2022-03-14T06:30:00+08:00","ended_at":"2022-03-14T08:10:00+08:00",)"
            R"("odometer_start":%ld,"odometer_end":%ld,"rides":[{"patient_id":%lld,)"
            R"("picked_up_at":"2022-03-14T06:50:00+08:00","dropped_off_at":"2022-03-14T07:20:00+08:00"}]})",
            static_cast<long long>(f.vehicles[std::size_t(w)]), static_cast<long long>(f.driver),
            km, km + 40, static_cast<long long>(f.patient));
        // A key of its own per trip, as a phone makes one per trip it logs; the odometer
        // makes it unique across rounds.
        const std::string key =
            o.keyed ? "bench-" + std::to_string(w) + "-" + std::to_string(km) : std::string();
        return c.request("POST", "/api/v1/trips", f.token, body, key).first == 201;
    });
}

// Writes per group commit, from the server's /metrics.
double mean_commit_batch(Connection& c) {
    auto metrics = c.request("GET", "/metrics", "").second;
    auto batch_sum = metrics.find("lifeline_db_commit_batch_size_sum ");
    auto batch_count = metrics.find("lifeline_db_commit_batch_size_count ");
    double mean_batch = 0;
    if (batch_sum != std::string::npos && batch_count != std::string::npos)
        mean_batch = std::atof(metrics.c_str() + batch_sum + 34) /
                     std::max(1.0, std::atof(metrics.c_str() + batch_count + 36));
    return mean_batch;
}

struct HttpResults {
    Phase ref_read, read, ref_health, health, write;
    double mean_batch = 0;
};

const char* const phase_header =
    "phase,connections,requests,errors,per_second,p50_ms,p99_ms,server_cpu_us,client_cpu_us,"
    "idle_pct\n";

void print_phase(const char* name, int connections, const Phase& p) {
    std::printf("%s,%d,%ld,%ld,%.0f,%.2f,%.2f,%.0f,%.0f,%.0f\n", name, connections, p.requests,
                p.errors, p.per_second, p.p50_ms, p.p99_ms, p.server_cpu_us, p.client_cpu_us,
                p.idle_pct);
}

// What the write/read ratio would be if neither phase left the machine idle: the CPU time
// (server and client) per read over that per write.
double ratio_by_cpu(const Phase& write, const Phase& read) {
    const double per_write = write.server_cpu_us + write.client_cpu_us;
    return per_write > 0 ? (read.server_cpu_us + read.client_cpu_us) / per_write : 0;
}

double ratio(const Phase& a, const Phase& b) {
    return a.per_second / std::max(1.0, b.per_second);
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void print_http_results(int connections, const HttpResults& r) {
    std::printf("%s", phase_header);
    for (const auto& [name, p] : {std::pair{"ref-read", r.ref_read}, std::pair{"read", r.read},
                                  std::pair{"ref-health", r.ref_health},
                                  std::pair{"health", r.health}, std::pair{"write", r.write}})
        print_phase(name, connections, p);
    std::printf("read/ref-read ratio: %.2f\n", ratio(r.read, r.ref_read));
    std::printf("health/ref-health ratio: %.2f\n", ratio(r.health, r.ref_health));
    std::printf("write/read ratio: %.2f  (mean commit batch: %.1f writes)\n",
                ratio(r.write, r.read), r.mean_batch);
    std::printf(
        "write/read by CPU per request: %.2f  (idle: %.0f %% of the write phase, "
        "%.0f %% of the read phase)\n",
        ratio_by_cpu(r.write, r.read), r.write.idle_pct, r.read.idle_pct);
}

// The port printed by a child's "listening on" line, or an exception.
unsigned short wait_listening(int fd, const std::string& what) {
    const unsigned short port = read_listening_port(fd);
    if (port == 0)
        throw std::runtime_error(what + " did not start");
    return port;
}

void stop_process(pid_t pid) {
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
}

// The reference server, its bodies as long as lifeline's answers to the same requests.
pid_t start_reference(const HttpOptions& o, Connection& lifeline, const HttpFixture& f,
                      unsigned short* port) {
    const auto vehicle =
        lifeline.request("GET", "/api/v1/vehicles/" + std::to_string(f.vehicles[0]), f.token);
    const auto health = lifeline.request("GET", "/healthz", "");
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    int out = -1;
    const pid_t pid =
        start_process({self, "reference-server", "--threads", std::to_string(o.io_threads),
                       "--body-bytes", std::to_string(vehicle.second.size()), "--health-bytes",
                       std::to_string(health.second.size())},
                      &out);
    *port = wait_listening(out, "the reference server");
    return pid;
}

// The one phase `o.only`, against lifeline or the reference alone; the exit status.
int measure_only(pid_t pid, unsigned short port, const HttpOptions& o, Connection& setup,
                 const HttpFixture& f) {
    const bool ref = o.only.rfind("ref-", 0) == 0;
    unsigned short ref_port = 0;
    const pid_t ref_pid = ref ? start_reference(o, setup, f, &ref_port) : -1;
    const pid_t measured = ref ? ref_pid : pid;
    const unsigned short measured_port = ref ? ref_port : port;
    std::fprintf(stderr, "lifeline-bench http: server pid %d, phase %s starts\n", int(measured),
                 o.only.c_str());
    const std::string what = ref ? o.only.substr(4) : o.only;
    std::vector<long> odometer;
    const Phase p = what == "read"     ? measure_reads(measured, measured_port, o, f)
                    : what == "health" ? measure_health(measured, measured_port, o)
                                       : measure_writes(measured, measured_port, o, f, odometer);
    if (ref)
        stop_process(ref_pid);
    std::printf("%s", phase_header);
    print_phase(o.only.c_str(), o.connections, p);
    return p.errors ? 1 : 0;
}

// The phases against both running servers; the exit status.
int measure(pid_t pid, unsigned short port, const HttpOptions& o) {
    pid_t ref = -1;
    try {
        Connection setup(port);
        const HttpFixture f = set_up_fixture(setup, o.connections);
        if (!o.only.empty())
            return measure_only(pid, port, o, setup, f);
        unsigned short ref_port = 0;
        ref = start_reference(o, setup, f, &ref_port);
        long errors = 0;
        std::array<std::vector<double>, 4> ratios;  // read, health, write, write by CPU
        std::vector<long> odometer;
        for (int round = 1; round <= o.rounds; ++round) {
            if (o.rounds > 1)
                std::printf("round %d of %d\n", round, o.rounds);
            HttpResults r;
            r.ref_read = measure_reads(ref, ref_port, o, f);
            r.read = measure_reads(pid, port, o, f);
            r.ref_health = measure_health(ref, ref_port, o);
            r.health = measure_health(pid, port, o);
            r.write = measure_writes(pid, port, o, f, odometer);
            r.mean_batch = mean_commit_batch(setup);
            print_http_results(o.connections, r);
            std::fflush(stdout);
            errors += r.ref_read.errors + r.read.errors + r.ref_health.errors + r.health.errors +
                      r.write.errors;
            ratios[0].push_back(ratio(r.read, r.ref_read));
            ratios[1].push_back(ratio(r.health, r.ref_health));
            ratios[2].push_back(ratio(r.write, r.read));
            ratios[3].push_back(ratio_by_cpu(r.write, r.read));
        }
        stop_process(ref);
        if (o.rounds > 1)
            std::printf(
                "median of %d rounds: read/ref-read %.2f, health/ref-health %.2f, "
                "write/read %.2f (by CPU per request %.2f)\n",
                o.rounds, median(ratios[0]), median(ratios[1]), median(ratios[2]),
                median(ratios[3]));
        return errors ? 1 : 0;
    } catch (const std::exception& e) {
        if (ref > 0)
            stop_process(ref);
        std::fprintf(stderr, "lifeline-bench http: %s\n", e.what());
        return 1;
    }
}

}  // namespace

int run_http(int argc, char** argv) {
    HttpOptions o;
    if (auto exit_status = parse_http_options(argc, argv, o))
        return *exit_status;

    auto dir =
        std::filesystem::temp_directory_path() / ("lifeline-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string db = (dir / "bench.db").string();

    int server_stdout = -1;
    pid_t pid = start_process(server_args(o, db), &server_stdout);
    unsigned short port = read_listening_port(server_stdout);
    if (port == 0) {
        std::fprintf(stderr, "lifeline-bench http: the server did not start (%s)\n",
                     o.server.c_str());
        return 1;
    }

    int rc = measure(pid, port, o);
    stop_process(pid);
    std::filesystem::remove_all(dir);
    return rc;
}

}  // namespace lifeline::bench
