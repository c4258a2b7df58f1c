#!/usr/bin/env bash
# Acceptance (mutation test): `wsspec serve --inject-defect D` breaks one rule on purpose;
# the catalog (without the long 9.* cases) must catch each defect: exit status 1, and among
# the cases that did not pass at least one in the category of the broken rule.
#   bash test_mutation.sh path/to/wsspec BUILD_DIR [DEFECT...]
#
# Not here: no-size-limit. The reference server's limit (64 MiB) is far above the
# catalog's largest message (16 MiB), and RFC 6455 10.4 only says an implementation SHOULD
# impose a limit, so no conformance case can demand one.
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
shift 2
source "$(dirname "$0")/server_test_lib.sh"

# defect -> globs of the cases that pin down its rule (at least one must not pass)
declare -A category=(
  [accept-unmasked]='sf.1.*'            # RFC 6455 5.1: clients mask, servers fail unmasked
  [accept-reserved-bits]='3.*'          # 5.2: RSV bits without an extension
  [skip-utf8-check]='6.*'               # 8.1: invalid UTF-8 in text
  [accept-long-control]='2.5 7.3.6'     # 5.5: control payloads <= 125 octets
  [accept-bad-close-code]='7.9.*'       # 7.4: invalid close codes
  [no-pong]='2.*'                       # 5.5.2: answer every Ping
  [wrong-pong-payload]='2.*'            # 5.5.3: the Pong carries the Ping's data
  [no-close-reply]='7.*'                # 5.5.1: answer a Close with a Close
  [wrong-close-reply]='7.*'             # 5.5.1: the reply echoes the code (or 1000)
  [text-as-binary]='1.1.*'              # 5.6: text is echoed as text
  [drop-empty-messages]='1.1.1 1.2.1'   # 5.6: empty messages are messages
  [fail-with-wrong-code]='7.9.* 7.3.2 7.3.6'  # 7.4.1: protocol errors close with 1002
  [pong-after-close]='7.1.3'            # 5.5.1: nothing after the peer's Close
)
# A server that never answers a Close (pong-after-close keeps reading instead) makes every
# case wait for its timeout: shorter timeouts and more connections keep that run short.
declare -A run_options=([pong-after-close]='-j 8 --timeout 1000')
default_run_options='-j 2 --timeout 2000'
defects=("$@")
# The slowest first, so it does not start last.
((${#defects[@]})) || defects=(pong-after-close accept-unmasked accept-reserved-bits
  skip-utf8-check accept-long-control accept-bad-close-code no-pong wrong-pong-payload
  no-close-reply wrong-close-reply text-as-binary drop-empty-messages fail-with-wrong-code)
parallel=${WSSPEC_MUTATION_PARALLEL:-4}

work="$BUILD_DIR/mutation-test"
rm -rf "$work"
mkdir -p "$work"

# One defect: server, catalog, verdict file. Runs in a subshell; its server is stopped by
# the subshell's own EXIT trap (server_test_lib.sh).
run_defect() {
  local defect=$1 dir="$work/$1"
  mkdir -p "$dir"
  start_serve "$dir/serve.log" --inject-defect "$defect"
  set +e
  # shellcheck disable=SC2086 # the options are words
  timeout -k 5 240 "$WSSPEC" test-server "$SERVE_URL" --exclude '9.*,12.*,13.*' \
    ${run_options[$defect]:-$default_run_options} --report-dir "$dir/report" -q \
    >"$dir/run.log" 2>&1
  echo $? >"$dir/status"
  set -e
}

started=$(date +%s)
pids=()
for defect in "${defects[@]}"; do
  [[ -n "${category[$defect]:-}" ]] || fail "no category for defect $defect"
  while (($(jobs -rp | wc -l) >= parallel)); do wait -n || true; done
  ( started_pids=(); trap stop_started EXIT; run_defect "$defect" ) &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || true; done

failures=0
for defect in "${defects[@]}"; do
  dir="$work/$defect"
  status=$(cat "$dir/status" 2>/dev/null || echo missing)
  if [[ "$status" != 1 ]]; then
    echo "  $defect: exit status $status, expected 1" >&2
    tail -5 "$dir/run.log" >&2 || true
    failures=$((failures + 1))
    continue
  fi
  if ! python3 - "$dir/report/wsspec.json" "$defect" ${category[$defect]} <<'PY'; then
import fnmatch, json, sys
path, defect, globs = sys.argv[1], sys.argv[2], sys.argv[3:]
cases = json.load(open(path))["cases"]
failed = [c["id"] for c in cases if c.get("ran") and not c.get("passed")]
hits = [cid for cid in failed if any(fnmatch.fnmatchcase(cid, g) for g in globs)]
others = [cid for cid in failed if cid not in hits]
if not hits:
    print(f"  {defect}: not caught in {' '.join(globs)}; failed elsewhere: {failed[:12]}",
          file=sys.stderr)
    sys.exit(1)
more = f" (+{len(hits) - 6})" if len(hits) > 6 else ""
print(f"  {defect}: caught by {len(hits)} in {' '.join(globs)}: {' '.join(hits[:6])}{more}"
      f"; {len(others)} failed elsewhere")
PY
    failures=$((failures + 1))
  fi
done
echo "  ${#defects[@]} defects in $(($(date +%s) - started)) s"
((failures == 0)) || fail "$failures defect(s) not caught"
echo "PASS: mutation"
