#!/usr/bin/env bash
# Floods: code pages while other clients keep the server busy with
# expensive work (issue 18). The server runs as deployed on this machine
# (all cores, default limits); for each flood, 12 clients post worst-case
# 64 KiB pastes to /decode, or 12 clients send random /search queries, or
# 16 clients request distinct compare pages, while 4 readers fetch random
# code pages. Reports the readers' latency percentiles, their errors, the
# flood's answers by status (503s are the work limits refusing work past
# their cap) and the server's peak resident memory.
#
#   bench/flood.sh                 # 20 s per flood
#   DURATION=60s bench/flood.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-20s}
PORT=18090
work=$(mktemp -d)
trap 'kill ${pid:-} 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/smtpcodes" .
go build -o "$work/flood" ./bench/flood
"$work/smtpcodes" -addr "127.0.0.1:$PORT" -access-log=false 2>"$work/server.log" &
pid=$!
for _ in $(seq 200); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.05; done
"$work/flood" -base "http://127.0.0.1:$PORT" -pid "$pid" -kind none -d 5s >/dev/null # warm the code pages
for f in "none 0" "decode 12" "search 12" "compare 16"; do
  set -- $f
  "$work/flood" -base "http://127.0.0.1:$PORT" -pid "$pid" -kind "$1" -clients "$2" -d "$DURATION"
done
