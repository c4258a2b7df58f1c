#!/usr/bin/env bash
# Installable: cpack builds the .deb, which is unpacked into a scratch root (dpkg-deb -x,
# as dpkg would lay it out), and the installed wsspec runs from PATH: `--version` names the
# installed catalog (not the source tree's), `cases` lists it, `serve` and `test-server`
# run part of it with no FAILED, and no report names the build or source tree. The man page
# renders and bash completion offers the commands' options and case ids.
#   bash test_install.sh path/to/wsspec BUILD_DIR
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$(cd "$2" && pwd)
source "$(dirname "$0")/server_test_lib.sh"

work="$BUILD_DIR/install-test"
rm -rf "$work"
mkdir -p "$work/pkg" "$work/root"
(cd "$work/pkg" && cpack --config "$BUILD_DIR/CPackConfig.cmake" -B "$work/pkg" >cpack.log 2>&1) ||
  { cat "$work/pkg/cpack.log" >&2; fail "cpack failed"; }
deb=$(ls "$work"/pkg/wsspec_*.deb 2>/dev/null | head -1)
[[ -n "$deb" ]] || fail "cpack wrote no .deb"
info=$(dpkg-deb -I "$deb")  # not piped into grep -q: its early exit would fail the pipe
grep -q "Package: wsspec" <<<"$info" || fail "$deb is not the wsspec package"
dpkg-deb -x "$deb" "$work/root"
root="$work/root"
for f in usr/bin/wsspec usr/share/wsspec/cases/case.schema.json usr/share/man/man1/wsspec.1 \
         usr/share/bash-completion/completions/wsspec usr/share/wsspec/reports/wsspec-results.schema.json; do
  [[ -e "$root/$f" ]] || fail "the package lacks /$f"
done
n_cases=$(ls "$SRC"/cases/*.json | grep -vc schema)
n_installed=$(ls "$root"/usr/share/wsspec/cases/*.json | grep -vc schema)
[[ $n_cases == "$n_installed" ]] || fail "installed $n_installed case files, the catalog has $n_cases"

# From PATH, with nothing pointing at the source tree.
export PATH="$root/usr/bin:$PATH"
unset WSSPEC_CASES_DIR
[[ $(command -v wsspec) == "$root/usr/bin/wsspec" ]] || fail "wsspec on PATH is not the installed one"
version=$(wsspec --version)
echo "$version"
grep -q "^catalog [0-9a-f]\{12\} ([0-9]* cases, $root/usr/share/wsspec/cases)" <<<"$version" ||
  fail "--version does not name the installed catalog: $version"
wsspec cases '7.9.*' >"$work/cases.txt" 2>/dev/null
grep -q "^7.9.1	" "$work/cases.txt" || fail "wsspec cases does not list 7.9.1"
grep -q "MUST be capable of handling them" <<<"$(wsspec cases show 5.19)" || fail "cases show 5.19"

WSSPEC=$root/usr/bin/wsspec
start_serve "$work/serve.log"
set +e
(cd "$work" && timeout 120 wsspec test-server "$SERVE_URL" --cases '1.*,2.*,5.*,7.1.*,hs.1.*' -j 2 \
  --report-dir "$work/report" -q >"$work/run.log" 2>&1)
status=$?
set -e
[[ $status == 0 ]] || { tail -20 "$work/run.log" >&2; fail "installed test-server: exit $status"; }
for f in wsspec.json index.json index.html junit.xml; do
  [[ -s "$work/report/$f" ]] || fail "no $f in the report"
done
if grep -rlF -e "$BUILD_DIR" -e "$SRC" "$work/report" >"$work/leaks.txt"; then
  fail "reports name the build or source tree: $(head -3 "$work/leaks.txt" | tr '\n' ' ')"
fi

# The man page renders without warnings.
warnings=$(groff -man -ww -z "$root/usr/share/man/man1/wsspec.1" 2>&1 || true)
[[ -z "$warnings" ]] || fail "man page warnings: $warnings"

# Completion: commands, then a command's options (read from its --help), then case ids.
complete_words() {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _wsspec
  echo "${COMPREPLY[*]}"
}
# shellcheck disable=SC1091
source "$root/usr/share/bash-completion/completions/wsspec"
[[ " $(complete_words wsspec test-) " == *" test-server "* ]] || fail "completion: commands"
[[ " $(complete_words wsspec test-server --re) " == *" --report-dir "* ]] ||
  fail "completion: test-server options"
[[ " $(complete_words wsspec test-server --cases 7.9.1) " == *" 7.9.1 "* ]] ||
  fail "completion: case ids"
echo "install test: .deb installs, runs from PATH with its own catalog, reports carry no build path"
