#include "harness/cli/fuzz_jobs.h"

#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <vector>

#include "harness/cli/fuzz_run_output.h"
#include "harness/cli/interrupt.h"
#include "harness/report/results_json.h"

extern char** environ;

namespace wsspec::cli {
namespace {

// How often the parent looks whether its workers have ended (or it was interrupted).
constexpr auto worker_poll_interval = std::chrono::milliseconds(50);
// The parent's pid, in the environment of the workers it starts.
constexpr const char* parent_variable = "WSSPEC_FUZZ_JOBS_PARENT";

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
                                          const std::filesystem::path& dir,
                                          const std::vector<std::string>& own_names) {
    std::set<std::string> per_worker = {"-j", "--jobs", "--seed", "--report-dir", "--findings"};
    per_worker.insert(own_names.begin(), own_names.end());
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

// Sums of the workers' counters, their timelines added up second by second (a worker's last
// point carried forward once it ended), their findings deduplicated by (kind, signature):
// a bug two workers found is one finding, the first worker's.
nlohmann::json merge_worker_reports(const std::vector<nlohmann::json>& reports,
                                    const std::vector<std::size_t>& numbers,
                                    const std::filesystem::path& root) {
    using nlohmann::json;
    json merged = {{"tool", "wsspec"},
                   {"mode", reports.empty() ? std::string("fuzz-server")
                                            : reports.front().value("mode", "fuzz-server")}};
    static const char* const summed[] = {"execs",
                                         "execs_per_s",
                                         "skipped_inputs",
                                         "tolerated",
                                         "liveness_checks",
                                         "restarts",
                                         "slow_answers",
                                         "unreproduced",
                                         "corpus_loaded",
                                         "corpus_saved",
                                         "handshake_refused",
                                         "extension_agreed",
                                         "request_with_content",
                                         "invalid_request_accepted",
                                         "signatures"};
    for (const char* key : summed)
        merged[key] = 0;
    merged["execs_per_s"] = 0.0;
    double duration = 0;
    bool interrupted = false;
    std::size_t corpus = 0;
    json outcomes = json::object(), workers = json::array(), findings = json::array();
    std::set<std::string> seen;
    std::map<std::string, std::size_t> by_kind = {
        {"judge", 0}, {"hang", 0}, {"crash", 0}, {"liveness", 0}, {"resource", 0}};
    for (std::size_t w = 0; w < reports.size(); ++w) {
        const json& r = reports[w];
        for (const char* key : {"target", "transport", "options", "started", "wsspec_version"}) {
            if (!merged.contains(key) && r.contains(key)) merged[key] = r[key];
        }
        for (const char* key : summed) {
            const json v = r.value(key, json(0));
            if (v.is_number_float() || merged[key].is_number_float())
                merged[key] = merged[key].get<double>() + (v.is_number() ? v.get<double>() : 0.0);
            else if (v.is_number_unsigned())
                merged[key] = merged[key].get<std::uint64_t>() + v.get<std::uint64_t>();
        }
        duration = std::max(duration, r.value("duration_s", 0.0));
        interrupted = interrupted || r.value("interrupted", false);
        corpus = std::max(corpus, r.value("corpus", std::size_t{0}));
        for (const auto& [outcome, n] : report::object_at(r, "outcomes").items()) {
            if (n.is_number_unsigned())
                outcomes[outcome] =
                    outcomes.value(outcome, std::uint64_t{0}) + n.get<std::uint64_t>();
        }
        if (r.contains("error")) merged["error"] = r["error"];
        const std::string dir = "worker-" + std::to_string(numbers[w]);
        workers.push_back({{"worker", numbers[w]},
                           {"seed", r.value("seed", json())},
                           {"report", (root / dir / "fuzz.json").string()},
                           {"execs", r.value("execs", std::size_t{0})},
                           {"execs_per_s", r.value("execs_per_s", 0.0)},
                           {"findings", r.value("findings", json::array()).size()}});
        for (auto f : r.value("findings", json::array())) {
            const std::string key =
                f.value("kind", std::string()) + "|" + f.value("signature", std::string());
            if (!seen.insert(key).second) continue;
            f["worker"] = numbers[w];
            ++by_kind[f.value("kind", std::string())];
            findings.push_back(std::move(f));
        }
    }
    // The timeline, one point a second: each worker's latest point at that second, summed
    // (signatures and corpus per worker: the sum counts one behaviour once per worker that
    // saw it); findings are the merged ones found by then.
    json timeline = json::array();
    const auto seconds = static_cast<std::size_t>(duration);
    for (std::size_t s = 1; s <= seconds; ++s) {
        std::uint64_t execs = 0, corpus_sum = 0, signatures = 0, found = 0;
        for (const json& r : reports) {
            const json* last = nullptr;
            for (const auto& p : report::array_at(r, "timeline")) {
                if (p.value("t", 0.0) > static_cast<double>(s) + 0.5) break;
                last = &p;
            }
            if (last == nullptr) continue;
            execs += last->value("execs", std::uint64_t{0});
            corpus_sum += last->value("corpus", std::uint64_t{0});
            signatures += last->value("signatures", std::uint64_t{0});
        }
        for (const auto& f : findings)
            found += f.value("at_s", 0.0) <= static_cast<double>(s) ? 1 : 0;
        timeline.push_back({{"t", static_cast<double>(s)},
                            {"execs", execs},
                            {"corpus", corpus_sum},
                            {"signatures", signatures},
                            {"findings", found}});
    }
    merged["duration_s"] = duration;
    merged["interrupted"] = interrupted;
    merged["corpus"] = corpus;
    merged["outcomes"] = outcomes;
    merged["workers"] = workers;
    merged["findings_by_kind"] = by_kind;
    merged["timeline"] = timeline;
    merged["findings"] = findings;
    return merged;
}

}  // namespace

void follow_jobs_parent() {
    const char* value = std::getenv(parent_variable);
    if (value == nullptr) return;
    const pid_t parent = static_cast<pid_t>(std::strtol(value, nullptr, 10));
    // Not for the programs this worker starts (they would only inherit it).
    unsetenv(parent_variable);
    // SIGHUP, not SIGINT: the kernel sends the parent-death signal again each time the dying
    // parent's children pass to another of its threads, and a second SIGINT would mean "exit
    // without a report"; stop_on_signal() takes any number of them as one stop.
    stop_on_signal(SIGHUP,
                   "\nwsspec: the -j parent is gone; finishing the input in flight and writing "
                   "this worker's report\n");
    if (prctl(PR_SET_PDEATHSIG, SIGHUP) != 0) return;
    // Only the parent sets the variable, for the workers it starts: a different parent here
    // means it died before the line above (even before this worker got here).
    if (getppid() != parent) std::raise(SIGHUP);
}

int run_fuzz_jobs(std::size_t jobs, std::uint64_t seed, const std::string& report_dir,
                  const FuzzJobsSpec& spec) {
    const std::filesystem::path root = report_dir.empty() ? "wsspec-fuzz" : report_dir;
    std::filesystem::create_directories(root);
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    const auto ours = own_arguments();
    // Ctrl-C (or SIGTERM) stops this process's wait: it is passed on to every worker once (the
    // workers have process groups of their own, so a terminal's Ctrl-C does not reach them
    // twice, which would make them exit without a report); each stops after its input in
    // flight and writes its report, and the reports are merged as after a whole run.
    const std::atomic<bool>& stop = install_interrupt_handler();
    setenv(parent_variable, std::to_string(getpid()).c_str(), 1);
    std::vector<pid_t> pids;
    for (std::size_t i = 0; i < jobs; ++i) {
        const auto dir = root / ("worker-" + std::to_string(i + 1));
        std::filesystem::create_directories(dir);
        auto args = worker_arguments(ours, seed + i, dir, spec.own_option_names);
        args[0] = self;
        if (spec.own_options) {
            const auto own = spec.own_options(i);
            args.insert(args.end(), own.begin(), own.end());
        }
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
        posix_spawnattr_t attributes;
        posix_spawnattr_init(&attributes);
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setpgroup(&attributes, 0);
        pid_t pid = 0;
        const int err = posix_spawn(&pid, self.c_str(), &files, &attributes, argv.data(), environ);
        posix_spawnattr_destroy(&attributes);
        posix_spawn_file_actions_destroy(&files);
        if (err != 0) {
            std::cerr << "wsspec " << spec.command << ": cannot start worker " << i + 1 << ": "
                      << std::strerror(err) << "\n";
            break;
        }
        pids.push_back(pid);
        std::cout << "fuzz: worker " << i + 1 << " (pid " << pid << ", seed " << seed + i
                  << "): " << log << std::endl;
    }
    bool worker_failed = pids.size() != jobs;
    std::vector<bool> done(pids.size(), false);
    std::size_t running = pids.size();
    bool passed_on = false;
    bool found_enough = false;
    while (running > 0) {
        for (std::size_t i = 0; i < pids.size(); ++i) {
            if (done[i]) continue;
            int status = 0;
            const pid_t r = waitpid(pids[i], &status, WNOHANG);
            if (r == 0 || (r < 0 && errno == EINTR)) continue;
            done[i] = true;
            --running;
            if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status) == 2) worker_failed = true;
            if (r > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 1 && spec.stop_on_findings)
                found_enough = true;
        }
        if ((stop || found_enough) && !passed_on) {
            for (std::size_t i = 0; i < pids.size(); ++i) {
                if (!done[i]) ::kill(pids[i], SIGINT);
            }
            passed_on = true;
        }
        if (running > 0) std::this_thread::sleep_for(worker_poll_interval);
    }

    std::vector<nlohmann::json> reports;  // of the workers whose fuzz.json could be read
    std::vector<std::size_t> numbers;
    for (std::size_t i = 0; i < pids.size(); ++i) {
        const auto path = root / ("worker-" + std::to_string(i + 1)) / "fuzz.json";
        std::ifstream in(path);
        if (!in) {
            worker_failed = true;
            continue;
        }
        try {
            reports.push_back(nlohmann::json::parse(in));
            numbers.push_back(i + 1);
        } catch (const std::exception&) {
            worker_failed = true;
        }
    }
    nlohmann::json merged = merge_worker_reports(reports, numbers, root);
    merged["jobs"] = jobs;
    merged["seed"] = seed;
    const nlohmann::json& findings = merged["findings"];
    const std::size_t execs = merged.value("execs", std::size_t{0});
    const double rate = merged.value("execs_per_s", 0.0);
    write_fuzz_reports(merged, root);
    std::cout << "fuzz: " << pids.size() << " workers, " << execs << " execs (" << rate
              << "/s together), " << findings.size() << " distinct findings\n";
    for (const auto& f : findings) {
        std::cout << "finding " << f.value("id", std::string()) << " of worker "
                  << f["worker"].get<std::size_t>() << " [" << f.value("kind", std::string())
                  << "] " << f.value("result", std::string()).substr(0, 160) << "\n";
    }
    std::cout << "fuzz: report written to " << (root / "fuzz.json").string() << " and "
              << (root / "index.html").string() << "\n";
    if (!findings.empty()) return 1;
    return worker_failed ? 2 : 0;
}

}  // namespace wsspec::cli
