#!/usr/bin/env bash
# Flood benchmark for README "Security": 30 s of token minting, then 30 s of rotating-token chat, from one client
# against the real service in its default configuration (repository knowledge/). Reports memory, conversations
# kept, refusals and conversations.db growth. Usage: bash tests/bench/flood.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-30}
command -v wrk >/dev/null || { echo "install wrk: apt-get install wrk" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
dotnet build bot/LegalBot.Service -c Release -v q -nologo >/dev/null
port=3991
Knowledge__Path=knowledge Data__Path="$work/data" Logging__LogLevel__Default=Warning \
  dotnet bot/LegalBot.Service/bin/Release/net10.0/LegalBot.Service.dll --urls "http://127.0.0.1:$port" > "$work/service.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done
rss() { awk '/VmRSS/ {print int($2/1024)}' /proc/$pid/status; }
dbsize() { du -k "$work/data/conversations.db"* 2>/dev/null | awk '{s+=$1} END {print int(s)}'; }
conversations() { curl -s "http://127.0.0.1:$port/healthz" | sed -n 's/.*"webChatConversations":\([0-9]*\).*/\1/p'; }
echo "machine: $(nproc) cores, $(grep MemTotal /proc/meminfo | awk '{print int($2/1024/1024)}') GiB"
for mode in tokens chat; do
  before=$(rss); db0=$(dbsize)
  out=$(MODE=$mode wrk -t2 -c32 -d"${seconds}s" -s tests/bench/flood.lua "http://127.0.0.1:$port")
  ok=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/api/webchat/token")
  echo "$mode flood ${seconds}s: $(echo "$out" | grep -E 'requests=') rss ${before} -> $(rss) MB, web chat conversations kept $(conversations), conversations.db ${db0} -> $(dbsize) KB, service alive: $(kill -0 $pid && echo yes)"
done
# The service still answers a citizen afterwards (from another address it would not even be limited).
sleep 61
curl -sf -X POST "http://127.0.0.1:$port/api/webchat/token" >/dev/null && echo "after a minute: a new conversation starts normally"
