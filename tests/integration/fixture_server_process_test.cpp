// The harvest-fixture-server executable as users run it: a child process, found by PID.
#include "support/test_client.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <cstdio>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

// Starts the server with --port 0 --print-port and reads the port from its stdout.
struct child_server {
    pid_t pid = -1;
    std::uint16_t port = 0;

    explicit child_server(const std::string& args) {
        int out[2];
        REQUIRE(::pipe(out) == 0);
        pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::dup2(out[1], STDOUT_FILENO);
            ::close(out[0]);
            ::close(out[1]);
            const std::string cmd = std::string("exec ") + HARVEST_FIXTURE_SERVER_EXE + " --port 0 --print-port " + args;
            ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        ::close(out[1]);
        std::string line;
        char c;
        while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
        ::close(out[0]);
        REQUIRE_MESSAGE(!line.empty(), "fixture server printed no port");
        port = static_cast<std::uint16_t>(std::stoi(line));
    }

    int stop(int sig = SIGTERM) {
        ::kill(pid, sig);
        int status = 0;
        ::waitpid(pid, &status, 0);
        pid = -1;
        return status;
    }

    ~child_server() {
        if (pid > 0) stop(SIGKILL);
    }
};

} // namespace

TEST_CASE("the executable prints its port, serves, and exits 0 on SIGTERM") {
    child_server server("--synthesize 10");
    auto r = harvest::test::get(server.port, "/pypi/celery/json");
    CHECK(r.status == 200);
    CHECK(r.header("x-pypi-last-serial") == "6308640");
    auto synth = harvest::test::get(server.port, "/pypi/boolean-py-synth-000001/json");
    CHECK(synth.status == 200);
    const int status = server.stop();
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("the executable refuses bad flags with exit code 2 and a message") {
    const std::string cmd = std::string(HARVEST_FIXTURE_SERVER_EXE) + " --faults 500,bogus 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p);
    std::string out;
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    const int status = ::pclose(p);
    CHECK(WEXITSTATUS(status) == 2);
    CHECK(out.find("unknown fault 'bogus'") != std::string::npos);
}
