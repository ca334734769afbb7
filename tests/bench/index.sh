#!/usr/bin/env bash
# The embedded index against Lucene.Net (SmartCn) on the same chunks, at each scale given (default: 1 and 20).
#   bash tests/bench/index.sh [scales="1 20"] [rounds=5]
# Builds the N× corpus once per scale with `legalbot bench --scale N --keep DIR`, then runs the peer on that folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
scales="${1:-1 20}"
rounds="${2:-5}"
laws="${LAWS:-../shared/corpus/laws}"
questions="$(mktemp)"
trap 'rm -rf "$questions" "${corpus:-}"' EXIT
cat ../shared/eval/services-dev.jsonl ../shared/eval/stard-inscope.jsonl > "$questions"
dotnet build -c Release bot/LegalBot.Cli -v q -nologo >/dev/null
dotnet build -c Release tests/bench/IndexPeer -v q -nologo >/dev/null
echo "machine: $(nproc) cores, $(grep MemTotal /proc/meminfo | awk '{print int($2/1024/1024)}') GiB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $scales; do
  corpus="$(mktemp -d -u)"
  echo "== ${n}× $laws: embedded index (legalbot bench)"
  dotnet bot/LegalBot.Cli/bin/Release/net10.0/legalbot.dll bench --knowledge "$laws" --synonyms knowledge/synonyms.txt \
    --questions "$questions" --scale "$n" --rounds "$rounds" --keep "$corpus"
  echo "== ${n}× $laws: Lucene.Net peer (same files, same chunks)"
  dotnet tests/bench/IndexPeer/bin/Release/net10.0/IndexPeer.dll --knowledge "$corpus" --questions "$questions" --rounds "$rounds"
  rm -rf "$corpus"
  echo "load average after ${n}×: $(cut -d' ' -f1-3 /proc/loadavg)"
done
