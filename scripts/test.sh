#!/bin/sh
# `npm test`: the checks (type check, lint, format) and the test files side by side, so that the
# machine's cores stay busy while test files wait on their subprocesses and stubs. The checks' output
# is held until the tests end, so the two never interleave. Usage: sh scripts/test.sh [test files]
set -u
held=$(mktemp -d "${TMPDIR:-/tmp}/dynamo-bench-checks-XXXXXX")
trap 'rm -rf "$held"' EXIT INT TERM

check() {
  name=$1
  shift
  "$@" >"$held/$name" 2>&1
  echo $? >"$held/$name.status"
}
for name in typecheck lint format:check; do check "$name" npm run --silent "$name" & done

if [ $# -eq 0 ]; then set -- tests/*/*.test.ts; fi
node --require ./tests/support/typescript.cjs --test --test-concurrency=4 --test-reporter=spec "$@"
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
