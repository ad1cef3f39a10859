#!/usr/bin/env bash
# curl --parallel with `workers` transfers in flight over the URL list, bodies discarded.
set -euo pipefail
urls_file=$1 count=$2 workers=$3
config=$(mktemp)
trap 'rm -f "$config"' EXIT
mapfile -t urls < <(grep -v '^$' "$urls_file")
for ((i = 0; i < count; i++)); do
  printf 'url = "%s"\noutput = "/dev/null"\n' "${urls[i % ${#urls[@]}]}"
done >"$config"
start=$(date +%s%N)
ok=$(curl --parallel --parallel-max "$workers" --compressed --silent --no-progress-meter -w '%{http_code}\n' --config "$config" | grep -c '^200$' || true)
end=$(date +%s%N)
printf '{"tool": "curl --parallel", "requests": %d, "ok": %d, "elapsed": %s}\n' "$count" "$ok" \
  "$(python3 -c "print(($end - $start) / 1e9)")"
