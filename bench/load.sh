#!/usr/bin/env bash
# Load test: the Go server against nginx serving the static export of the
# same site, with the same URL mix, side by side.
#
#   bench/load.sh                      # 3 rounds of 20 s each, after a 10 s warm-up
#   ROUNDS=5 DURATION=30s bench/load.sh
#   CEILING=1 bench/load.sh            # also bench/ceiling on net/http and on fasthttp
#
# Each server gets one core (taskset -c 0; GOMAXPROCS=1 for Go, one worker
# for nginx), wrk the other (taskset -c 1). The URL mix is every code page
# and a random sample of compare pages, in both languages, requested in
# random order with Accept-Encoding: gzip. Rounds alternate between the two
# servers. A round counts only if every response was 2xx and no socket
# error occurred. Besides wrk's figures, each round reports the server's
# CPU time per request, in user space and in the kernel (/proc/PID/stat). Loopback only; installs wrk, nginx and nginx's brotli
# module from Debian when they are missing.
#
# With CEILING=1, three more servers join the rounds: bench/ceiling, which
# serves the same gzipped pages from memory with the same headers and does
# nothing else, on net/http ("nethttp-min", with the site's server
# timeouts), on net/http behind a chi router ("chi-min") and on fasthttp
# ("fasthttp-min"). They show how much of the gap to nginx is the site's
# own request path, how much the router and how much the HTTP stack.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-10s}
CONNECTIONS=${CONNECTIONS:-64}
COMPARE_SAMPLE=${COMPARE_SAMPLE:-2000}   # pairs in the load mix (x 2 languages)
MEMORY_SAMPLE=${MEMORY_SAMPLE:-5000}     # pairs fetched at the end, to measure memory (x 2 languages)
GO_PORT=18080
NGINX_PORT=18081
NETHTTP_PORT=18082
FASTHTTP_PORT=18083
CHI_PORT=18084
CEILING=${CEILING:-}

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx)
[ -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] || need+=(libnginx-mod-http-brotli-static)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

work=$(mktemp -d)
# The export goes to tmpfs when there is one: this machine's disk makes
# creating 200,000 files slow, which would measure the disk, not nginx.
export_dir=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
chmod 755 "$export_dir" # nginx's workers run as www-data
cleanup() {
  for pid in ${go_pid:-} ${ceiling_pids:-}; do kill "$pid" 2>/dev/null || true; done
  if [ -f "$work/nginx.pid" ]; then
    pid=$(cat "$work/nginx.pid")
    kill "$pid" 2>/dev/null || true
    # nginx removes its pid file as it exits: wait, then remove $work.
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$work" "$export_dir"
}
trap cleanup EXIT

echo "== build and export"
go build -o "$work/smtpcodes" .
"$work/smtpcodes" -base-url "http://127.0.0.1:$NGINX_PORT" export "$export_dir"

echo "== URL mix"
{
  (cd "$export_dir/en/codes" && ls *.html) | sed 's/\.html$//' | while read -r c; do
    echo "/codes/$c?lang=en"; echo "/codes/$c?lang=ja"
  done
  (cd "$export_dir/en/compare" && ls *.html) | shuf -n "$COMPARE_SAMPLE" --random-source=<(yes) | sed 's/\.html$//' | while read -r p; do
    echo "/compare/$p?lang=en"; echo "/compare/$p?lang=ja"
  done
} > "$work/urls.txt"
echo "$(wc -l < "$work/urls.txt") URLs: $(grep -c '^/codes/' "$work/urls.txt") code pages, $(grep -c '^/compare/' "$work/urls.txt") compare pages"

echo "== start the servers on core 0"
# Access logs off on both sides (deploy/nginx.conf has access_log off).
GOMAXPROCS=1 taskset -c 0 "$work/smtpcodes" -addr "127.0.0.1:$GO_PORT" -access-log=false 2>/dev/null &
go_pid=$!
mkdir -p "$work/nginx"
cp deploy/*.conf "$work/nginx/"
sed -i "s|/srv/smtpcodes|$export_dir|g; s|127.0.0.1:8081|127.0.0.1:$NGINX_PORT|; s|/tmp/smtpcodes-nginx.pid|$work/nginx.pid|" "$work/nginx/nginx.conf"
taskset -c 0 nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -e "$work/nginx-error.log"
for _ in $(seq 200); do
  curl -fs "http://127.0.0.1:$GO_PORT/readyz" >/dev/null && curl -fs "http://127.0.0.1:$NGINX_PORT/robots.txt" >/dev/null && break
  sleep 0.05
done

curl -fs "http://127.0.0.1:$GO_PORT/readyz" >/dev/null || { echo "the Go server did not start"; exit 1; }
curl -fs "http://127.0.0.1:$NGINX_PORT/robots.txt" >/dev/null || { echo "nginx did not start:"; tail -5 "$work/nginx-error.log"; exit 1; }

# name, port and the pid whose CPU time is measured (nginx: its one worker).
servers=("go $GO_PORT $go_pid" "nginx $NGINX_PORT $(pgrep -P "$(cat "$work/nginx.pid")")")
if [ -n "$CEILING" ]; then
  (cd bench/ceiling && go build -o "$work/ceiling" .)
  ceiling_pids=""
  for stack in nethttp chi fasthttp; do
    case $stack in nethttp) port=$NETHTTP_PORT;; chi) port=$CHI_PORT;; fasthttp) port=$FASTHTTP_PORT;; esac
    GOMAXPROCS=1 taskset -c 0 "$work/ceiling" -stack $stack -addr "127.0.0.1:$port" -dir "$export_dir" -list "$work/urls.txt" &
    ceiling_pids="$ceiling_pids $!"
    servers+=("$stack-min $port $!")
    for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$port$(head -1 "$work/urls.txt")" && break; sleep 0.05; done
  done
fi

rss() { awk '/VmRSS/ {printf "%.0f MB", $2/1024}' "/proc/$go_pid/status"; }

echo "== warm-up: every URL once on both, then $WARMUP of load each"
go run ./bench/fetch -base "http://127.0.0.1:$GO_PORT" -list "$work/urls.txt"
go run ./bench/fetch -base "http://127.0.0.1:$NGINX_PORT" -list "$work/urls.txt"
echo "server resident memory after every code page and $COMPARE_SAMPLE x 2 compare pages: $(rss)"

# run prints wrk's RESULT line for one server under its name, with the
# server's CPU time per request, in user space and in the kernel, from
# /proc/PID/stat.
cputime() { awk '{print $14, $15}' "/proc/$1/stat"; }
run() { # name port duration urls pid
  local before after
  before=$(cputime "$5")
  URLS=$4 taskset -c 1 wrk -t2 -c"$CONNECTIONS" -d"$3" --timeout 5s -s bench/load.lua "http://127.0.0.1:$2" | grep '^RESULT' > "$work/result"
  after=$(cputime "$5")
  awk -v name="$1" -v before="$before" -v after="$after" -v hz="$(getconf CLK_TCK)" '{
    for (i=2; i<=NF; i++) if ($i ~ /^requests=/) n = substr($i, 10)
    split(before, b, " "); split(after, a, " ")
    $1 = name
    printf "%s user_us=%.1f kernel_us=%.1f\n", $0, (a[1]-b[1])/hz*1e6/n, (a[2]-b[2])/hz*1e6/n
  }' "$work/result"
}
for s in "${servers[@]}"; do
  set -- $s
  run "$1" "$2" "$WARMUP" "$work/urls.txt" "$3" >/dev/null
done

echo "== mixed URLs: $ROUNDS rounds of $DURATION, $CONNECTIONS connections, alternating"
results=$work/results.txt
for i in $(seq "$ROUNDS"); do
  for s in "${servers[@]}"; do
    set -- $s
    run "$1" "$2" "$DURATION" "$work/urls.txt" "$3" | tee -a "$results"
  done
  echo "   server resident memory: $(rss)"
done

echo "== single hot URL: $ROUNDS rounds of $DURATION"
echo "/codes/421?lang=en" > "$work/hot.txt"
for i in $(seq "$ROUNDS"); do
  for s in "${servers[@]}"; do
    set -- $s
    run "$1-hot" "$2" "$DURATION" "$work/hot.txt" "$3" | tee -a "$results"
  done
done

if grep -Ev 'non2xx=0 errors=0 ' "$results"; then
  echo "FAIL: a round had non-2xx responses or socket errors (above); its figures are not trusted"
  exit 1
fi

echo "== summary (median of rounds)"
awk '
  { name=$1; for (i=2; i<=NF; i++) { split($i, kv, "="); v[name, kv[1], ++n[name, kv[1]]] = kv[2] } names[name]=1 }
  function median(name, key,   k, m, a, i, j, t) {
    m = n[name, key]; for (i=1; i<=m; i++) a[i] = v[name, key, i]
    for (i=1; i<=m; i++) for (j=i+1; j<=m; j++) if (a[j] < a[i]) { t=a[i]; a[i]=a[j]; a[j]=t }
    return a[int((m+1)/2)]
  }
  END {
    printf "%-17s %8s %8s %8s %8s %14s %12s %16s %12s %12s\n", "", "req/s", "p50 ms", "p99 ms", "max ms", "req/s : nginx", "p99 : nginx", "req/s : ceiling", "user µs/req", "kernel µs/req"
    n_order = split("go nethttp-min chi-min fasthttp-min nginx go-hot nethttp-min-hot chi-min-hot fasthttp-min-hot nginx-hot", order, " ")
    for (o=1; o<=n_order; o++) { s=order[o]; if (s in names) { r[s]=median(s,"rps"); p99[s]=median(s,"p99") } }
    for (o=1; o<=n_order; o++) { s=order[o]; if (!(s in names)) continue
      ref = (s ~ /-hot$/) ? "nginx-hot" : "nginx"
      ceil = (s ~ /-hot$/) ? "nethttp-min-hot" : "nethttp-min"
      vs = (ceil in names) ? sprintf("%15.2fx", r[s]/r[ceil]) : sprintf("%16s", "-")
      printf "%-17s %8.0f %8.2f %8.2f %8.2f %13.2fx %11.2fx %s %12.1f %12.1f\n", s, r[s], median(s,"p50"), p99[s], median(s,"max"), r[s]/r[ref], p99[s]/p99[ref], vs, median(s,"user_us"), median(s,"kernel_us") }
  }' "$results"
echo "== memory: every code page and $MEMORY_SAMPLE x 2 compare pages requested"
{
  (cd "$export_dir/en/codes" && ls *.html) | sed 's/\.html$//' | while read -r c; do
    echo "/codes/$c?lang=en"; echo "/codes/$c?lang=ja"
  done
  (cd "$export_dir/en/compare" && ls *.html) | shuf -n "$MEMORY_SAMPLE" --random-source=<(yes 1) | sed 's/\.html$//' | while read -r p; do
    echo "/compare/$p?lang=en"; echo "/compare/$p?lang=ja"
  done
} > "$work/memory-urls.txt"
go run ./bench/fetch -base "http://127.0.0.1:$GO_PORT" -list "$work/memory-urls.txt"
echo "server resident memory at the end: $(rss)"

# A crawler reads every page in every language: the pages of the sitemap,
# their JSON and their markdown twins (20,000 with ten languages, 140 MB
# compressed), then searches. The page table and the compare cache keep
# what they keep within their budgets, so resident memory stays flat.
echo "== memory: a crawl of every page in every language, their JSON and markdown, and 10 searches"
for dir in "$export_dir"/*/codes; do
  lang=$(basename "$(dirname "$dir")")
  (cd "$export_dir/$lang" && find . -type f \( -name '*.html' -o -name '*.json' -o -name '*.md' \) -not -path './compare/*' -printf '%P\n') |
    grep -Ev '^[0-9]{3}\.html$' |
    sed -E 's/^index\.html$//; s/\.html$//; s|^|/|; s|$|?lang='"$lang"'|'
done > "$work/crawl-urls.txt"
for q in 421 550 5.7.1 mailbox greylist spf dkim relay quota tls; do echo "/search?q=$q"; done >> "$work/crawl-urls.txt"
go run ./bench/fetch -base "http://127.0.0.1:$GO_PORT" -list "$work/crawl-urls.txt"
echo "server resident memory after the crawl: $(rss) (peak $(awk '/VmHWM/ {printf "%.0f MB", $2/1024}' "/proc/$go_pid/status"))"
