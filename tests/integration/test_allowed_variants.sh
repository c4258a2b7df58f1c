#!/usr/bin/env bash
# ctest-labels: asan
# Acceptance: what RFC 6455 allows never fails a case. `wsspec serve --variant V` and
# `wsspec client --variant V` differ from the reference peers only where the RFC leaves a
# choice (heartbeat Pings, unsolicited Pongs, answering only the latest Ping, late Pongs,
# other fragmentations, Pings between fragments, Close replies with 1000, a reason or no
# body; peer/allowed_variants.h). The catalog (without the long 9.* cases) must give each
# of them no FAILED: exit status 0 from test-server and from test-client.
#   bash test_allowed_variants.sh path/to/wsspec BUILD_DIR [VARIANT...]
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
shift 2
source "$(dirname "$0")/server_test_lib.sh"

variants=("$@")
((${#variants[@]})) || variants=(latest-pong-only late-pong heartbeat-ping unsolicited-pong
  fragmented-echo small-fragments ping-in-fragments close-1000 close-reason empty-close-reply)
parallel=${WSSPEC_VARIANTS_PARALLEL:-2}

work="$BUILD_DIR/allowed-variants-test"
rm -rf "$work"
mkdir -p "$work"

# One variant against test-server: its own server, stopped by the subshell's EXIT trap.
run_server_variant() {
  local variant=$1 dir="$work/server-$1"
  mkdir -p "$dir"
  start_serve "$dir/serve.log" --variant "$variant"
  set +e
  timeout -k 5 120 "$WSSPEC" test-server "$SERVE_URL" --exclude '9.*,12.*,13.*' -j 2 \
    --report-dir "$dir/report" -q >"$dir/run.log" 2>&1
  echo $? >"$dir/status"
  set -e
}

# One variant against test-client, which starts and stops the client itself.
run_client_variant() {
  local variant=$1 dir="$work/client-$1"
  mkdir -p "$dir"
  set +e
  timeout -k 5 120 "$WSSPEC" test-client --listen 127.0.0.1:0 --exclude '9.*,12.*,13.*' \
    --report-dir "$dir/report" -q \
    --exec "'$WSSPEC' client {url} --agent variant -j 4 --variant $variant" \
    >"$dir/run.log" 2>&1
  echo $? >"$dir/status"
  set -e
}

started=$(date +%s)
pids=()
for variant in "${variants[@]}"; do
  for role in server client; do
    while (($(jobs -rp | wc -l) >= parallel)); do wait -n || true; done
    ( started_pids=(); trap stop_started EXIT; "run_${role}_variant" "$variant" ) &
    pids+=($!)
  done
done
for pid in "${pids[@]}"; do wait "$pid" || true; done

failures=0
for variant in "${variants[@]}"; do
  for role in server client; do
    dir="$work/$role-$variant"
    status=$(cat "$dir/status" 2>/dev/null || echo missing)
    summary=$(grep -ho '[0-9]* of [0-9]* cases passed' "$dir/run.log" | head -1 || true)
    if [[ "$status" != 0 ]]; then
      echo "  $role --variant $variant: exit status $status, expected 0 ($summary)" >&2
      python3 - "$dir/report/wsspec.json" <<'PY' >&2 || tail -5 "$dir/run.log" >&2 || true
import json, sys
for c in json.load(open(sys.argv[1]))["cases"]:
    if c.get("ran") and not c.get("passed"):
        print(f"    {c['id']}: {c['behavior']} ({c['result'][:160]}); "
              f"{c['behavior_close']} ({c['result_close'][:120]})")
PY
      failures=$((failures + 1))
      continue
    fi
    # Every variant must have run something: a report with cases that ran.
    python3 - "$dir/report/wsspec.json" "$role" "$variant" <<'PY' || failures=$((failures + 1))
import json, sys
path, role, variant = sys.argv[1:]
cases = [c for c in json.load(open(path))["cases"] if c.get("ran")]
if len(cases) < 200:
    print(f"  {role} --variant {variant}: only {len(cases)} cases ran", file=sys.stderr)
    sys.exit(1)
non_strict = [c["id"] for c in cases if "NON-STRICT" in (c["behavior"], c["behavior_close"])]
note = f"; NON-STRICT: {' '.join(non_strict)}" if non_strict else ""
print(f"  {role} --variant {variant}: {len(cases)} cases, no FAILED{note}")
PY
  done
done
echo "  ${#variants[@]} variants x 2 roles in $(($(date +%s) - started)) s"
((failures == 0)) || fail "$failures run(s) failed a case on behaviour RFC 6455 allows"
echo "PASS: allowed variants"
