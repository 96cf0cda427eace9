#!/usr/bin/env bash
# Soak test: many connections for a bounded time against a mix of valid and
# invalid URLs. Passes when there were no socket errors and no 5xx answers,
# and prints the server's resident memory before and after.
#
#   bench/soak.sh            # 30 s, 256 connections
#   DURATION=2m CONNECTIONS=1000 bench/soak.sh
#
# Loopback only; installs wrk from Debian when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-256}
PORT=${PORT:-18080}

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

bin=$(mktemp -d)/smtpcodes
go build -o "$bin" .
"$bin" -addr "127.0.0.1:$PORT" -log-format json 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break
  sleep 0.05
done

rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status"; }
echo "resident memory before: $(rss)"
out=$(ulimit -n 65536 2>/dev/null; wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency -s bench/soak.lua "http://127.0.0.1:$PORT")
echo "$out"
echo "resident memory after:  $(rss)"

fail=0
if grep -q "Socket errors" <<<"$out"; then echo "FAIL: socket errors"; fail=1; fi
if ! grep -q "^5xx responses: 0$" <<<"$out"; then echo "FAIL: 5xx responses"; fail=1; fi
[ $fail -eq 0 ] && echo "soak: ok (no socket errors, no 5xx)"
exit $fail
