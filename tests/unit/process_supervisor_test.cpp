// ProcessSupervisor, the --exec child of test-server and test-client: exit status and
// time, the last output lines, environment, log files, and stop() not counting as a crash.
#include "harness/runner/process_supervisor.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace wsspec::runner {
namespace {

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void wait_exit(const ProcessSupervisor& p) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!p.exited() && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_TRUE(p.exited());
}

TEST(ProcessSupervisorTest, ExitStatusAndLastLinesOfBothStreams) {
    ProcessSupervisor p({.command = "echo out; echo err >&2; exit 3"});
    const auto before_start = std::chrono::steady_clock::now();
    p.start();
    wait_exit(p);
    const auto after_exit = std::chrono::steady_clock::now();
    EXPECT_TRUE(p.crashed());
    EXPECT_EQ(p.describe_exit(), "exited with status 3");
    // Recorded for this run: not left at the epoch, not taken before the child existed.
    EXPECT_GE(p.exit_time(), before_start);
    EXPECT_LE(p.exit_time(), after_exit);
    const auto description = p.check_exit();
    ASSERT_TRUE(description.has_value());
    EXPECT_NE(description->find("exited with status 3; last output:\n"), std::string::npos);
    EXPECT_NE(description->find("stdout: out\n"), std::string::npos) << *description;
    EXPECT_NE(description->find("stderr: err\n"), std::string::npos) << *description;
    EXPECT_FALSE(p.running());
    EXPECT_FALSE(p.check_exit().has_value());  // forgotten
}

TEST(ProcessSupervisorTest, ExitTimeIsWhenTheChildExitedNotWhenItStarted) {
    // The child exits only after the test releases it, so its exit time must come after
    // the release (causality, not a duration: nothing here depends on how fast things run).
    const auto dir = std::filesystem::temp_directory_path() /
                     ("wsspec-supervisor-time-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto release = dir / "release";
    ProcessSupervisor p(
        {.command = "while [ ! -e '" + release.string() + "' ]; do sleep 0.01; done; exit 0"});
    p.start();
    EXPECT_TRUE(p.running());
    const auto released_at = std::chrono::steady_clock::now();
    std::ofstream(release) << "go";
    wait_exit(p);
    const auto seen_at = std::chrono::steady_clock::now();
    EXPECT_GE(p.exit_time(), released_at);
    EXPECT_LE(p.exit_time(), seen_at);
    EXPECT_FALSE(p.crashed());

    // A restarted child gets its own exit time.
    const auto first_exit = p.exit_time();
    p.start();
    wait_exit(p);  // the release file still exists: exits at once
    EXPECT_GT(p.exit_time(), first_exit);
    std::filesystem::remove_all(dir);
}

TEST(ProcessSupervisorTest, SignalIsACrash) {
    ProcessSupervisor p({.command = "kill -SEGV $$"});
    p.start();
    wait_exit(p);
    EXPECT_TRUE(p.crashed());
    EXPECT_EQ(p.describe_exit(), "killed by signal 11 (SIGSEGV)");
}

TEST(ProcessSupervisorTest, EnvironmentLogFilesAndStderrTail) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("wsspec-supervisor-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    SupervisorSettings s;
    s.command = "echo \"url=$WSSPEC_URL\"; for i in 1 2 3; do echo e$i >&2; done";
    s.env = {{"WSSPEC_URL", "ws://h:1"}};
    s.stdout_log = dir / "out.log";
    s.stderr_log = dir / "err.log";
    s.keep_stdout = false;
    s.kept_lines = 2;
    ProcessSupervisor p(s);
    p.start();
    wait_exit(p);
    EXPECT_FALSE(p.crashed());
    EXPECT_EQ(p.describe_exit(), "exited with status 0");
    p.stop();  // joins the readers: the logs are complete
    EXPECT_EQ(read_file(dir / "out.log"), "url=ws://h:1\n");
    EXPECT_EQ(read_file(dir / "err.log"), "e1\ne2\ne3\n");
    EXPECT_EQ(p.last_lines(), (std::vector<std::string>{"e2", "e3"}));
    std::filesystem::remove_all(dir);
}

TEST(ProcessSupervisorTest, StopReachesTheGroupAndIsNotACrash) {
    ProcessSupervisor p(
        {.command = "sleep 30 & sleep 30; wait", .stop_grace = std::chrono::milliseconds(500)});
    p.start();
    EXPECT_TRUE(p.running());
    const auto before = std::chrono::steady_clock::now();
    p.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(5));
    EXPECT_TRUE(p.exited());
    EXPECT_FALSE(p.crashed());
    p.start();  // restartable
    EXPECT_TRUE(p.running());
    EXPECT_EQ(p.restarts(), 1);
}

}  // namespace
}  // namespace wsspec::runner
