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
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
python3 -c "import json,sys; [print(json.loads(l)['question'].replace('\"','')) for l in open('../shared/eval/services-dev.jsonl')]" > "$work/questions.txt"
# SERVICE_DLL=… runs another build (e.g. a copy of the previous tree's output) for side-by-side runs.
service_dll=${SERVICE_DLL:-bot/LegalBot.Service/bin/Release/net10.0/LegalBot.Service.dll}
[ -n "${SERVICE_DLL:-}" ] || dotnet build bot/LegalBot.Service -c Release -v q -nologo >/dev/null
port=3990
shared=()
if [ -n "${SHARED_PG:-}" ]; then
  key=$(head -c 32 /dev/urandom | base64)
  shared=(Cases__Database=postgresql "Cases__ConnectionString=$SHARED_PG" "Cases__EncryptionKey=$key" Data__Shared=true "WebChat__TokenKey=$key")
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
QUESTIONS="$work/questions.txt" wrk -t2 -c"$connections" -d"${seconds}s" --latency -s tests/bench/messages.lua "http://127.0.0.1:$port"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
