#!/usr/bin/env bash
# Runs every test project and closes with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
results="TestResults"
rm -rf "$results"
. tests/postgres.sh
PG_FILTER=""
trap pg_stop EXIT
pg_start || { echo "0 passed, 1 failed"; exit 1; }
filter=()
if [ -n "$PG_FILTER" ]; then filter=(--filter "$PG_FILTER"); fi
dotnet test LegalBot.sln --configuration Release --logger "trx" --results-directory "$results" "${filter[@]}" "$@"
status=$?
passed=0 failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "test run failed before reporting results (build error?)"; fi
echo "$passed passed, $failed failed"
exit "$status"
