#!/bin/sh
# `npm test`: the checks (type check, lint, format) and the test files side by side, so that the
# machine's cores stay busy while test files wait on their subprocesses and stubs. The checks' output
# is held until the tests end, so the two never interleave. Ctrl-C or a TERM stops all of it.
# Usage: sh scripts/test.sh [test files]
set -u
cd "$(dirname "$0")/.."
held=$(mktemp -d "${TMPDIR:-/tmp}/dynamo-bench-checks-XXXXXX") || {
  echo "npm test: cannot make a temporary directory in ${TMPDIR:-/tmp}; set TMPDIR to a writable one" >&2
  exit 2
}
trap 'rm -rf "$held"' EXIT
# The jobs run in the background, so that a signal reaches this shell at once; it passes it on to
# every process each job started.
kill_tree() {
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do kill_tree "$child"; done
  kill -TERM "$1" 2>/dev/null
}
jobs_started=""
trap 'trap - INT TERM; for job in $jobs_started; do kill_tree "$job"; done; exit 130' INT TERM

check() {
  name=$1
  shift
  "$@" >"$held/$name" 2>&1
  echo $? >"$held/$name.status"
}
for name in typecheck lint format:check; do
  check "$name" npm run --silent "$name" &
  jobs_started="$jobs_started $!"
done

if [ $# -eq 0 ]; then set -- tests/*/*.test.ts; fi
node --require ./tests/support/typescript.cjs --test --test-concurrency=4 --test-reporter=spec "$@" &
jobs_started="$jobs_started $!"
wait $!
tests=$?
wait

failed=0
for name in typecheck lint format:check; do
  if [ "$(cat "$held/$name.status")" -eq 0 ]; then
    echo "✔ npm run $name"
  else
    failed=1
    echo "✖ npm run $name"
    cat "$held/$name"
  fi
done
[ "$tests" -eq 0 ] && [ "$failed" -eq 0 ]
