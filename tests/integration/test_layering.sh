#!/usr/bin/env bash
# ctest-labels: unit
# The layers of harness/ (see harness/CMakeLists.txt) may include only the layers they
# depend on, and the compiler enforces it: for each layer, a probe compiled with exactly
# that layer's flags (from compile_commands.json) must fail on a header of a layer above it
# and compile with a header of a layer below it. The second half keeps the first honest: a
# probe that failed for any other reason would pass the first check.
#   bash test_layering.sh path/to/wsspec BUILD_DIR
set -euo pipefail
BUILD_DIR=$2
exec python3 - "$BUILD_DIR" <<'PY'
import json, os, shlex, subprocess, sys, tempfile

build = sys.argv[1]
commands = json.load(open(os.path.join(build, "compile_commands.json")))

# layer -> (a header it may include, headers it must not see)
rules = {
    "codec": ("harness/codec/constants.h",
              ["harness/cases/case.h", "harness/peer/byte_stream.h"]),
    "cases": ("harness/codec/constants.h",
              ["harness/oracle/observation.h", "harness/peer/byte_stream.h"]),
    "oracle": ("harness/cases/case.h",
               ["harness/peer/byte_stream.h", "harness/runner/case_runner.h"]),
    "peer": ("harness/oracle/observation.h",
             ["harness/runner/case_runner.h", "harness/report/results_json.h"]),
    # Reports never see the network layers (and so never compile Asio).
    "report": ("harness/oracle/case_outcome.h",
               ["harness/peer/byte_stream.h", "harness/runner/case_runner.h",
                "harness/peer/asio_include.h"]),
    "runner": ("harness/peer/byte_stream.h",
               ["harness/server/echo_server.h", "harness/report/results_json.h"]),
    # The live fuzzer drives a server like test-server does; it sees neither the servers
    # nor the report writers.
    "fuzzer": ("harness/runner/process_supervisor.h",
               ["harness/server/echo_server.h", "harness/report/results_json.h"]),
}

def command_for(layer):
    marker = f"/harness/{layer}/"
    for c in commands:
        if marker in c["file"] and c["file"].endswith(".cpp"):
            args = c.get("arguments") or shlex.split(c["command"])
            return c["directory"], args
    sys.exit(f"FAIL: no compile command for a source of harness/{layer}/ in compile_commands.json")

def probe_args(layer):
    """The layer's compile command without its source, output and precompiled header (gcc:
    "-include x.hxx"; clang: "-Xclang -include-pch -Xclang x.pch ..."): not needed here."""
    directory, args = command_for(layer)
    out, i = [], 0
    while i < len(args):
        a = args[i]
        nxt = args[i + 1] if i + 1 < len(args) else ""
        if a in ("-o", "-c", "-MF", "-MT", "-MQ", "-include") or (
                a == "-Xclang" and (nxt in ("-include-pch", "-include")
                                    or nxt.endswith((".pch", ".hxx")))):
            i += 2
            continue
        if not (a.endswith(".cpp") or a in ("-MD", "-MMD", "-Winvalid-pch")):
            out.append(a)
        i += 1
    return directory, out

def run_probe(layer, header, mode):
    directory, args = probe_args(layer)
    with tempfile.TemporaryDirectory() as tmp:
        probe = os.path.join(tmp, "probe.cpp")
        with open(probe, "w") as f:
            f.write(f'#include "{header}"\nint probe_main() {{ return 0; }}\n')
        return subprocess.run(args + [mode, probe], cwd=directory, capture_output=True, text=True)

def compiles(layer, header):
    r = run_probe(layer, header, "-fsyntax-only")
    return r.returncode == 0, r.stderr

failures = []
for layer, (allowed, forbidden) in rules.items():
    ok, err = compiles(layer, allowed)
    if not ok:
        failures.append(f"{layer}: an allowed include ({allowed}) does not compile:\n{err[:600]}")
    for header in forbidden:
        ok, err = compiles(layer, header)
        if ok:
            failures.append(f"{layer}: may include {header}, which is above it")
        elif "No such file" not in err and "file not found" not in err:
            failures.append(f"{layer}: {header} failed, but not for visibility:\n{err[:600]}")
        else:
            print(f"ok: {layer} cannot include {header}")
# Headers that must not pull Asio in, though their layer may use it: the case session is
# driven through SessionTransport, so its step interpreter is testable without sockets.
def preprocessed(layer, header):
    r = run_probe(layer, header, "-E")
    return r.returncode, r.stdout

for header in ["harness/peer/case_session.h", "harness/peer/session_transport.h"]:
    code, text = preprocessed("peer", header)
    if code != 0:
        failures.append(f"{header} does not preprocess")
    elif "boost/asio" in text:
        failures.append(f"{header} pulls in Asio")
    else:
        print(f"ok: {header} is free of Asio")

if failures:
    print("\n".join("FAIL: " + f for f in failures))
    sys.exit(1)
print("layering: every layer sees only the layers below it")
PY
