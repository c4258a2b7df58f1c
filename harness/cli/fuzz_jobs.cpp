#include "harness/cli/fuzz_jobs.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

extern char** environ;

namespace wsspec::cli {
namespace {

// This process's own command line, as it was started (the workers run it again).
std::vector<std::string> own_arguments() {
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> out;
    std::string arg;
    for (const char c : all) {
        if (c == '\0') {
            out.push_back(arg);
            arg.clear();
        } else {
            arg += c;
        }
    }
    return out;
}

// The worker's command line: ours without -j/--jobs, --seed, --report-dir and --findings
// (given per worker), with the worker's own.
std::vector<std::string> worker_arguments(const std::vector<std::string>& ours, std::uint64_t seed,
                                          const std::filesystem::path& dir) {
    static const std::set<std::string> per_worker = {"-j", "--jobs", "--seed", "--report-dir",
                                                     "--findings"};
    std::vector<std::string> out = {"/proc/self/exe"};
    for (std::size_t i = 1; i < ours.size(); ++i) {
        const std::string& a = ours[i];
        const auto eq = a.find('=');
        const std::string name = a.substr(0, eq);
        if (per_worker.count(name) != 0) {
            if (eq == std::string::npos) ++i;  // the value is the next argument
            continue;
        }
        if (a.size() > 2 && a.rfind("-j", 0) == 0 && a[2] >= '0' && a[2] <= '9') continue;
        out.push_back(a);
    }
    out.insert(out.end(), {"--seed", std::to_string(seed), "--report-dir", dir.string()});
    return out;
}

}  // namespace

int run_fuzz_jobs(std::size_t jobs, std::uint64_t seed, const std::string& report_dir) {
    const std::filesystem::path root = report_dir.empty() ? "wsspec-fuzz" : report_dir;
    std::filesystem::create_directories(root);
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    const auto ours = own_arguments();
    std::vector<pid_t> pids;
    for (std::size_t i = 0; i < jobs; ++i) {
        const auto dir = root / ("worker-" + std::to_string(i + 1));
        std::filesystem::create_directories(dir);
        auto args = worker_arguments(ours, seed + i, dir);
        args[0] = self;
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t files;
        posix_spawn_file_actions_init(&files);
        const std::string log = (dir / "fuzz.log").string();
        posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, log.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_adddup2(&files, STDOUT_FILENO, STDERR_FILENO);
        pid_t pid = 0;
        const int err = posix_spawn(&pid, self.c_str(), &files, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&files);
        if (err != 0) {
            std::cerr << "wsspec fuzz-server: cannot start worker " << i + 1 << ": "
                      << std::strerror(err) << "\n";
            break;
        }
        pids.push_back(pid);
        std::cout << "fuzz: worker " << i + 1 << " (pid " << pid << ", seed " << seed + i
                  << "): " << log << std::endl;
    }
    // Ctrl-C reaches the workers too (same process group): each writes its report and exits.
    bool worker_failed = pids.size() != jobs;
    for (const pid_t pid : pids) {
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) == 2) worker_failed = true;
    }

    nlohmann::json merged = {
        {"tool", "wsspec"}, {"mode", "fuzz-server"}, {"jobs", jobs}, {"seed", seed}};
    std::size_t execs = 0;
    double rate = 0, duration = 0;
    nlohmann::json findings = nlohmann::json::array(), workers = nlohmann::json::array();
    std::set<std::string> seen;  // (kind, signature): a bug two workers found is one finding
    std::map<std::string, std::size_t> by_kind;
    for (std::size_t i = 0; i < pids.size(); ++i) {
        const auto path = root / ("worker-" + std::to_string(i + 1)) / "fuzz.json";
        std::ifstream in(path);
        if (!in) {
            worker_failed = true;
            continue;
        }
        nlohmann::json r;
        try {
            r = nlohmann::json::parse(in);
        } catch (const std::exception&) {
            worker_failed = true;
            continue;
        }
        execs += r.value("execs", std::size_t{0});
        rate += r.value("execs_per_s", 0.0);
        duration = std::max(duration, r.value("duration_s", 0.0));
        workers.push_back({{"worker", i + 1},
                           {"report", path.string()},
                           {"execs", r.value("execs", std::size_t{0})},
                           {"findings", r.value("findings", nlohmann::json::array()).size()}});
        for (auto f : r.value("findings", nlohmann::json::array())) {
            const std::string key =
                f.value("kind", std::string()) + "|" + f.value("signature", std::string());
            if (!seen.insert(key).second) continue;
            f["worker"] = i + 1;
            ++by_kind[f.value("kind", std::string())];
            findings.push_back(std::move(f));
        }
    }
    merged["execs"] = execs;
    merged["execs_per_s"] = rate;
    merged["duration_s"] = duration;
    merged["workers"] = workers;
    merged["findings_by_kind"] = by_kind;
    merged["findings"] = findings;
    {
        std::ofstream out(root / "fuzz.json");
        out << merged.dump(2) << "\n";
    }
    std::cout << "fuzz: " << pids.size() << " workers, " << execs << " execs (" << rate
              << "/s together), " << findings.size() << " distinct findings\n";
    for (const auto& f : findings) {
        std::cout << "finding " << f.value("id", std::string()) << " of worker "
                  << f["worker"].get<std::size_t>() << " [" << f.value("kind", std::string())
                  << "] " << f.value("result", std::string()).substr(0, 160) << "\n";
    }
    std::cout << "fuzz: report written to " << (root / "fuzz.json").string() << "\n";
    if (!findings.empty()) return 1;
    return worker_failed ? 2 : 0;
}

}  // namespace wsspec::cli
