#!/usr/bin/env bash
# Load benchmark: wrk (Debian) against the real service's /api/messages with expectReplies,
# knowledge = ../shared/corpus/laws. Usage: bash tests/bench/load.sh [seconds] [connections]
# SHARED_PG="Host=…;Database=…;Username=…" runs it with the shared store (Cases__Database=postgresql, Data__Shared=true).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-20}; connections=${2:-32}
command -v wrk >/dev/null || { echo "install wrk: apt-get install wrk" >&2; exit 1; }
laws=$(cd ../shared/corpus/laws && pwd)
work=$(mktemp -d)
pid=""; pg_db=""; pg_admin=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  # FORCE: a pooled connection the service left open must not keep the throwaway database alive.
  if [ -n "$pg_db" ]; then psql "$pg_admin" -qX -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null || echo "could not drop $pg_db" >&2; fi
  rm -rf "$work"
}
trap cleanup EXIT
python3 -c "import json,sys; [print(json.loads(l)['question'].replace('\"','')) for l in open('../shared/eval/services-dev.jsonl')]" > "$work/questions.txt"
# SERVICE_DLL=… runs another build (e.g. a copy of the previous tree's output) for side-by-side runs.
service_dll=${SERVICE_DLL:-bot/LegalBot.Service/bin/Release/net10.0/LegalBot.Service.dll}
[ -n "${SERVICE_DLL:-}" ] || dotnet build bot/LegalBot.Service -c Release -v q -nologo >/dev/null
port=3990
shared=()
if [ -n "${SHARED_PG:-}" ]; then
  # Each run draws a new encryption key, so each run gets a throwaway database of its own (dropped at exit): a second
  # run against data encrypted with the first run's key would refuse to start.
  command -v psql >/dev/null || { echo "install psql: apt-get install postgresql-client" >&2; exit 1; }
  # SHARED_PG is an Npgsql connection string: psql gets the same server in libpq's names, the service the new database.
  name="legalbot_load_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  mapfile -t pg < <(python3 - "$SHARED_PG" "$name" <<'PY'
import sys
names = {"host": "host", "server": "host", "port": "port", "username": "user", "user id": "user", "userid": "user",
         "password": "password", "database": "dbname", "db": "dbname"}
pairs = [[x.strip() for x in p.split("=", 1)] for p in sys.argv[1].split(";") if "=" in p]
quote = lambda v: "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"
print(" ".join(f"{names[k.lower()]}={quote(v)}" for k, v in pairs if k.lower() in names))
print(";".join(f"{k}={v}" for k, v in pairs if k.lower() not in ("database", "db")) + ";Database=" + sys.argv[2])
PY
  )
  pg_admin=${pg[0]}
  psql "$pg_admin" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE $name" >/dev/null
  pg_db=$name
  key=$(head -c 32 /dev/urandom | base64)
  shared=(Cases__Database=postgresql "Cases__ConnectionString=${pg[1]}" "Cases__EncryptionKey=$key" Data__Shared=true "WebChat__TokenKey=$key")
fi
# Emulator mode (anonymous, loopback only): wrk is a local caller with no channel token.
env "${shared[@]}" Knowledge__Path="$laws" Data__Path="$work/data" Conversation__MessagesPerMinute=10000 Bot__AllowAnonymous=true Logging__LogLevel__Default=Warning \
  dotnet "$service_dll" --urls "http://127.0.0.1:$port" > "$work/service.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { echo "service did not start:"; cat "$work/service.log"; exit 1; }
store="SQLite (default)"; [ -n "${SHARED_PG:-}" ] && store="PostgreSQL (shared, Data__Shared=true)"
echo "service: $service_dll; store: $store; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "machine: $(nproc) cores, $(grep MemTotal /proc/meminfo | awk '{print int($2/1024/1024)}') GiB; knowledge: $(curl -s http://127.0.0.1:$port/healthz)"
# Warm-up (JIT, caches), then the measured run.
QUESTIONS="$work/questions.txt" wrk -t2 -c8 -d5s -s tests/bench/messages.lua "http://127.0.0.1:$port" >/dev/null
# The service's CPU time per answer (user + system, from /proc) is what other work on a shared machine disturbs least.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
cpu_before=$(cpu_ticks)
QUESTIONS="$work/questions.txt" wrk -t2 -c"$connections" -d"${seconds}s" --latency -s tests/bench/messages.lua "http://127.0.0.1:$port" | tee "$work/wrk.txt"
requests=$(sed -n 's/^answers\/s: [0-9]* (\([0-9]*\) requests.*/\1/p' "$work/wrk.txt")
echo "service CPU per answer: $(awk -v t=$(( $(cpu_ticks) - cpu_before )) -v hz="$(getconf CLK_TCK)" -v n="${requests:-0}" 'BEGIN { printf "%.3f ms", (n > 0 ? t * 1000 / hz / n : 0) }')"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
