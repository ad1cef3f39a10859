#!/usr/bin/env bash
# The glycan job with curl: the listing with one curl, every body with
# `curl --parallel --parallel-max WORKERS` into files, then one Python pass parses and converts
# them to JSONL. Timed as a whole. Usage: BASE SPARQL_URL WORKERS OUT.jsonl
set -euo pipefail
base=$1 sparql=$2 workers=$3 out=$4
here=$(dirname "$(readlink -f "$0")")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
start=$(date +%s%N)
PYTHONPATH=$here python3 - "$base" "$sparql" "$dir" <<'PY'
import subprocess, sys
from glycan_job import LISTING_HEADERS, list_all, urls
base, sparql, dir = sys.argv[1], sys.argv[2], sys.argv[3]
targets = list_all(lambda form: subprocess.run(["curl", "--silent", "--fail", "-H", "Accept: " + LISTING_HEADERS["Accept"], "--data", form,
                                                sparql], check=True, stdout=subprocess.PIPE).stdout)
with open(f"{dir}/targets.tsv", "w") as t, open(f"{dir}/curl.cfg", "w") as cfg:
    for i, (accession, wurcs) in enumerate(targets):
        t.write(f"{accession}\t{wurcs or ''}\n")
        seqs_url, detail_url = urls(base, accession)
        cfg.write(f'url = "{seqs_url}"\noutput = "{dir}/{i}.seqs"\nurl = "{detail_url}"\noutput = "{dir}/{i}.detail"\n')
PY
curl --parallel --parallel-max "$workers" --compressed --silent --no-progress-meter --config "$dir/curl.cfg" \
  -w '%{http_code} %{filename_effective}\n' >"$dir/statuses.txt"
PYTHONPATH=$here python3 - "$dir" "$out" <<'PY'
import sys
from glycan_job import record_line
dir, out = sys.argv[1], sys.argv[2]
status = {}
for line in open(f"{dir}/statuses.txt"):
    code, name = line.split(maxsplit=1)
    status[name.strip()] = int(code)
with open(out, "w") as f:
    for i, line in enumerate(open(f"{dir}/targets.tsv")):
        accession, wurcs = line.rstrip("\n").split("\t")
        detail = f"{dir}/{i}.detail"
        f.write(record_line(accession, wurcs or None, open(f"{dir}/{i}.seqs", "rb").read(), status.get(detail, 0),
                            open(detail, "rb").read()))
PY
end=$(date +%s%N)
printf '{"tool": "curl --parallel", "records": %d, "elapsed": %s}\n' "$(wc -l <"$out")" "$(python3 -c "print(($end - $start) / 1e9)")"
