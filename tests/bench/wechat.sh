#!/usr/bin/env bash
# WeChat passive-reply benchmark: 100 concurrent safe-mode callbacks against the real service (knowledge =
# ../shared/corpus/laws + the demo knowledge folder's synonyms), reply latency percentiles vs. the deadline.
# Usage: bash tests/bench/wechat.sh [requests] [concurrency] [deadline-seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
requests=${1:-3000}; concurrency=${2:-100}; deadline=${3:-4.0}
knowledge=../shared/corpus/laws
[ -d "$knowledge" ] || knowledge=knowledge
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
if [ -f ../shared/eval/services-dev.jsonl ]; then
  python3 -c "import json; [print(json.loads(l)['question']) for l in open('../shared/eval/services-dev.jsonl')]" > "$work/questions.txt"
else
  printf '%s\n' 老板拖欠工资怎么办 离婚要带什么材料 怎么申请法律援助 邻居纠纷怎么调解 > "$work/questions.txt"
fi
dotnet build bot/LegalBot.Service -c Release -v q -nologo >/dev/null
dotnet build tests/bench/WeChatLoad -c Release -v q -nologo >/dev/null
echo "machine: $(nproc) cores, $(grep MemTotal /proc/meminfo | awk '{print int($2/1024/1024)}') GiB; knowledge: $knowledge"
dotnet tests/bench/WeChatLoad/bin/Release/net10.0/WeChatLoad.dll bot/LegalBot.Service/bin/Release/net10.0/LegalBot.Service.dll \
  "$(cd "$knowledge" && pwd)" "$work/questions.txt" "$requests" "$concurrency" "$deadline"
