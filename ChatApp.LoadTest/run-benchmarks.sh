#!/usr/bin/env bash
# Runs every scenario of the load tool three times against one Release server on a fresh database, and prints
# the medians as the table in docs/benchmarks.md. Usage: bash ChatApp.LoadTest/run-benchmarks.sh [results-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-loadtest-data/results-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

dotnet build -c Release ChatApp >/dev/null
dotnet build -c Release ChatApp.LoadTest >/dev/null
lt() { dotnet ChatApp.LoadTest/bin/Release/net10.0/ChatApp.LoadTest.dll "$@"; }

port=18080
url="http://127.0.0.1:$port"
rm -rf "$out/server" && mkdir -p "$out/server"
# Request logs off (Warning): a console line per request would be part of every figure otherwise.
start_server() {
  (cd ChatApp/bin/Release/net10.0 && exec env ConnectionStrings__Chat="Data Source=$out/server/chat.db" \
    Logging__LogLevel__Default=Warning "Logging__LogLevel__ChatApp.Requests=Warning" dotnet ChatApp.dll --urls "$url" >>"$out/server.log" 2>&1) &
  for _ in $(seq 60); do curl -sf "$url/health/ready" >/dev/null && break; sleep 1; done
  pid="$(pgrep -f "ChatApp.dll --urls $url")"
}
stop_server() { kill "$pid" 2>/dev/null || true; while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done; }
start_server
trap 'stop_server' EXIT
common=(--url "$url" --server-pid "$pid" --users-file "$out/users.json")

lt seed "${common[@]}" --users 1000 >"$out/seed.txt" 2>&1
only="${SCENARIOS:-connections direct-5k direct-20k sync max over-limit group}"
run() { # name, then scenario arguments
  local name="$1"; shift
  [[ " $only " == *" $name "* ]] || return 0
  for i in 1 2 3; do
    echo "== $name run $i" >&2
    # Memory per socket is read as the server's RSS growth: measure it on a fresh process each time.
    if [[ "$name" == connections ]]; then stop_server; start_server; common=(--url "$url" --server-pid "$pid" --users-file "$out/users.json"); fi
    lt "$@" "${common[@]}" --json "$out/$name.$i.json" >"$out/$name.$i.txt" 2>&1 || true
  done
}
run connections connections --count 19000 --users 1000 --hold 10s
run direct-5k direct --pairs 250 --rate 5000 --duration 10 --size 100
run direct-20k direct --pairs 250 --rate 20000 --duration 10 --size 100
run sync sync --messages 10000
run max max --scenario direct --pairs 250 --rates 1000,2000,3000,4000,5000,6000,8000,10000,15000,20000 --step-duration 10s
# At the open-file limit: more sockets than the server may hold. It must refuse the rest with 503 and stay up.
[[ " $only " == *" over-limit "* ]] && lt connections "${common[@]}" --count 19800 --users 1000 --hold 5s --json "$out/over-limit.json" >"$out/over-limit.txt" 2>&1 || true
curl -s -o /dev/null -w "after the over-limit run /health/live -> %{http_code}\n" "$url/health/live" | tee "$out/alive.txt"
[[ " $only " == *" group "* ]] && lt group "${common[@]}" --groups 10 --members 100 --rate 500 >"$out/group.txt" 2>&1 || true

python3 - "$out" <<'PY'
import json, statistics, sys, glob, os
out = sys.argv[1]
def med(name, key):
    vals = [json.load(open(f))[key] for f in sorted(glob.glob(f"{out}/{name}.*.json")) if key in json.load(open(f))]
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None
rows = {
  "connections": ["connections", "failed", "connectsPerSecond", "serverBytesPerConnection", "serverRssBeforeMB", "serverRssAfterMB"],
  "direct-5k": ["achievedRate", "deliver.p50Ms", "deliver.p99Ms", "ack.p99Ms", "lost", "duplicated", "serverCpuMsPer1000Msgs"],
  "direct-20k": ["achievedRate", "deliver.p50Ms", "deliver.p99Ms", "ack.p99Ms", "lost", "duplicated", "serverCpuMsPer1000Msgs"],
  "sync": ["received", "gaps", "catchUpSeconds", "messagesPerSecond"],
  "max": ["maxSustainableRate", "best.deliver.p99Ms", "best.serverCpuMsPer1000Msgs"],
}
print("| scenario | metric | median of 3 |\n| --- | --- | --- |")
for name, keys in rows.items():
    for k in keys: print(f"| {name} | {k} | {med(name, k)} |")
if os.path.exists(f"{out}/over-limit.json"):
    r = json.load(open(f"{out}/over-limit.json"))
    print(f"| over-limit (19,800 asked) | connections / failed | {r.get('connections')} / {r.get('failed')} |")
PY
