#!/usr/bin/env bash
# Budgets at N languages, before every translation exists: copies the
# tree, keeps the shipped languages as they are and adds stand-ins for the
# missing ones up to N (their locale file and content are copies of the
# Japanese ones: the same amount of text per language as a real
# translation), builds that server, and measures what issue 15's budgets
# name: ready after exec, resident memory after every code page and a
# sample of compare pages in every language, and the static export to
# tmpfs in pages per second.
# The URL mix: every code page and 500 compare pages, in every language.
#
#   bench/languages.sh            # 6 and 10 languages
#   COUNTS="10" bench/languages.sh
set -euo pipefail
cd "$(dirname "$0")/.."
COUNTS=${COUNTS:-"6 10"}
stand_ins=(de fr es ko pt-BR ru zh-Hans zh-Hant)
work=$(mktemp -d)
trap 'kill ${pid:-} 2>/dev/null || true; rm -rf "$work" /dev/shm/smtpcodes-languages' EXIT
for n in $COUNTS; do
  tree=$work/tree-$n
  mkdir -p "$tree"
  git ls-files -z | xargs -0 cp --parents -t "$tree"
  have=$(ls locales/active.*.toml | wc -l)
  added=0
  for l in "${stand_ins[@]}"; do
    [ $((have + added)) -ge "$n" ] && break
    [ -f "locales/active.$l.toml" ] && continue # a real translation: measured as it is
    added=$((added + 1))
    sed "s/^language_name = .*/language_name = \"$l (stand-in)\"/" locales/active.ja.toml > "$tree/locales/active.$l.toml"
    (cd "$tree/content" && for f in */*.ja.md */*/*.ja.md; do cp "$f" "${f%.ja.md}.$l.md"; done)
  done
  (cd "$tree" && go run . stamp >/dev/null && go build -o "$work/smtpcodes-$n" .)
  echo "== $n languages: $(ls "$tree/locales" | tr '\n' ' ')"
  go run ./bench/startup -bin "$work/smtpcodes-$n"
  "$work/smtpcodes-$n" -addr 127.0.0.1:18095 -access-log=false 2>/dev/null &
  pid=$!
  for _ in $(seq 200); do curl -fs http://127.0.0.1:18095/readyz >/dev/null && break; sleep 0.05; done
  langs=$(cd "$tree/locales" && ls active.*.toml | sed 's/active\.\(.*\)\.toml/\1/')
  basic=($(cd "$tree/content/codes" && ls | grep -E '^[0-9]{3}\.md$' | sed 's/\.md$//'))
  # Every code page: the codes codes.json lists (basic, enhanced, provider).
  all=($(curl -fs 'http://127.0.0.1:18095/codes.json?lang=en' | grep -o '"code":"[^"]*"' | cut -d'"' -f4 | sort -u))
  : > "$work/urls.txt"
  for l in $langs; do
    for c in "${all[@]}"; do echo "/codes/$c?lang=$l"; done
    for i in $(seq 0 499); do # 500 compare pages per language
      x=$((i % ${#basic[@]})) y=$(((i / ${#basic[@]} + i + 1) % ${#basic[@]}))
      [ $x -gt $y ] && { t=$x; x=$y; y=$t; } # the canonical order: no redirect
      echo "/compare/${basic[$x]}-vs-${basic[$y]}?lang=$l"
    done
  done >> "$work/urls.txt"
  go run ./bench/fetch -base http://127.0.0.1:18095 -list "$work/urls.txt" -c 8
  echo "resident memory after $(wc -l < "$work/urls.txt") URLs: $(awk '/VmRSS/ {printf "%.0f MB", $2/1024}' /proc/$pid/status)"
  kill $pid; wait $pid 2>/dev/null || true
  rm -rf /dev/shm/smtpcodes-languages
  "$work/smtpcodes-$n" -base-url https://smtp.example export /dev/shm/smtpcodes-languages | tail -1
  rm -rf /dev/shm/smtpcodes-languages "$tree"
done
