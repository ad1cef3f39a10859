#!/usr/bin/python3
"""The end-to-end benchmark (issue 7): the whole glycan job (list, fetch, parse, convert, write
JSONL) by harvest and by the tools it replaces, side by side in one run, against a real Virtuoso
(GlyTouCan's SPARQL, tools/virtuoso) and harvest-fixture-server (GlyCosmos and GlyGen replayed) on
127.0.0.1, with two ceilings: the latency-bound ideal and wrk's raw request rate on the same server.
Each tool does the job its own way: harvest reads the sequences with the SPARQL listing and asks
GlyGen per glycan (1 request per record); the peers ask GlyCosmos and GlyGen per glycan (2), as
harvest did before (bench/glycans.py compares those two paths alone).

  seed        the 100 recorded glycans, W=100, 250 ms (+0-50 ms) per response
  throughput  2,100 glycans, W=100, 50 ms per response
  cpu         5,100 glycans, W=100, 0 ms: CPU seconds per 1,000 records

Why 250 ms: GlyCosmos and GlyGen answer from Japan and the US; from a European lab one HTTPS
request is a ~150-250 ms round trip plus server time. It cannot be measured here (no internet),
so it is a stated assumption; the ratios hold for any latency where the job is latency-bound.

Usage: bench/e2e.py [--build DIR] [--quick]
"""
import argparse, json, os, subprocess, sys, tempfile

from engine import HERE, ROOT, Server, measure
from virtuoso import Virtuoso
from wrk import run_wrk

W = 100
REQUESTS_PER_RECORD = {"harvest": 1, "requests+threads": 2, "aiohttp": 2, "curl --parallel": 2}  # besides the listing


def jobs(build, base, sparql, out_dir):
    peers = os.path.join(HERE, "peers")
    return {
        "harvest": [os.path.join(build, "bin", "harvest"), "collect", "--source", "glytoucan", "--base-url", base, "--sparql-url", sparql,
                    "--workers", str(W), "--out", os.path.join(out_dir, "harvest.jsonl"), "--progress", "never", "--log-level", "error"],
        "requests+threads": ["/usr/bin/python3", os.path.join(peers, "glycans_requests.py"), base, sparql, str(W), os.path.join(out_dir, "requests.jsonl")],
        "aiohttp": ["/usr/bin/python3", os.path.join(peers, "glycans_aiohttp.py"), base, sparql, str(W), os.path.join(out_dir, "aiohttp.jsonl")],
        "curl --parallel": [os.path.join(peers, "glycans_curl.sh"), base, sparql, str(W), os.path.join(out_dir, "curl.jsonl")],
    }


def output_of(cmd):
    if "--out" not in cmd:
        return cmd[-1]
    out = cmd[cmd.index("--out") + 1]  # harvest: --out DIR/NAME.jsonl writes DIR/NAME/NAME.jsonl
    return os.path.join(os.path.dirname(out), os.path.basename(out).split(".jsonl")[0], os.path.basename(out))


def unique_ids(path):
    ids = [json.loads(line)["id"] for line in open(path)]
    if len(ids) != len(set(ids)):
        sys.exit(f"e2e: {path}: duplicate ids")
    return len(ids)


def wrk_rate(base, paths, seconds):
    """wrk's raw request rate over the job's own requests (every accession's two URLs, in turn)."""
    return run_wrk(base, paths, seconds, threads=2, connections=W)["rate"]


def job_paths(accessions):
    """The GlyCosmos and GlyGen paths of every accession, as the peers request them."""
    return [p for a in accessions for p in (f"/sparqlist/gtcid2seqs?gtcid={a}", f"/glycan/detail/{a}/")]


def scenario(build, name, records, latency_ms, jitter_ms, synthesize, quick, report):
    server = Server(build, "--latency-ms", str(latency_ms), "--jitter-ms", str(jitter_ms), "--synthesize", str(synthesize))
    sparql = Virtuoso(synthesize)
    mean_s = (latency_ms + jitter_ms / 2) / 1000

    def ideal(tool):  # every request with all W slots busy, each taking the mean latency (the listing is
        return -(-records * REQUESTS_PER_RECORD[tool] // W) * mean_s if mean_s > 0 else None  # Virtuoso's, unthrottled)

    print(f"\n[{name}] {records} glycans, W={W}, {latency_ms} ms" + (f" + 0-{jitter_ms} ms" if jitter_ms else "") + " per response", flush=True)
    if mean_s > 0:
        print(f"  ideal (latency-bound): {ideal('harvest'):.2f} s at 1 request per record, {ideal('aiohttp'):.2f} s at 2", flush=True)
    results = {}
    with tempfile.TemporaryDirectory() as out_dir:
        for tool, cmd in jobs(build, server.base, sparql.endpoint, out_dir).items():
            r = measure(cmd)
            if r["exit"] != 0:
                sys.exit(f"e2e: {tool} failed (exit {r['exit']})")
            n = unique_ids(output_of(cmd))
            if n != records:
                sys.exit(f"e2e: {tool} wrote {n} records, expected {records}")
            results[tool] = {"records": n, "elapsed": r["wall"], "records_per_s": n / r["wall"], "cpu": r["cpu"], "rss_mb": r["max_rss_mb"]}
        accessions = [json.loads(line)["id"] for line in open(os.path.join(out_dir, "harvest", "harvest.jsonl"))]
    wrk_req_s = wrk_rate(server.base, job_paths(accessions), 3 if quick else 5)
    server.close()
    sparql.close()
    h = results["harvest"]
    print(f"  {'tool':18s} {'req/rec':>7s} {'elapsed':>8s} {'records/s':>10s} {'harvest ×':>10s} {'/ ideal':>8s} {'CPU s/1k':>9s} {'RSS MB':>7s}")
    for tool, r in results.items():
        speedup = r["elapsed"] / h["elapsed"]
        of_ideal = f"{ideal(tool) / r['elapsed']:8.3f}" if mean_s > 0 else f"{'-':>8s}"
        print(f"  {tool:18s} {REQUESTS_PER_RECORD[tool]:7d} {r['elapsed']:7.2f}s {r['records_per_s']:10.1f} {speedup:10.2f} {of_ideal} "
              f"{1000 * r['cpu'] / r['records']:9.3f} {r['rss_mb']:7.1f}", flush=True)
    print(f"  ceiling: wrk over the job's {2 * records} GlyCosmos and GlyGen URLs: {wrk_req_s:.0f} req/s, so {wrk_req_s:.0f} records/s at 1 "
          f"request per record (harvest reaches {h['records_per_s'] / wrk_req_s:.3f} of it), {wrk_req_s / 2:.0f} at 2", flush=True)
    report[name] = {"results": results, "ideal_elapsed": {t: ideal(t) for t in results}, "wrk_requests_per_s": wrk_req_s}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    report = {}
    print(f"machine: {os.cpu_count()} cores; every tool and the fixture server share them", flush=True)
    scenario(a.build, "seed", 100, 250, 50, 0, a.quick, report)
    scenario(a.build, "throughput", 2100 if not a.quick else 600, 50, 0, 2000 if not a.quick else 500, a.quick, report)
    scenario(a.build, "cpu", 5100 if not a.quick else 1100, 0, 0, 5000 if not a.quick else 1000, a.quick, report)
    print("\nsummary: " + json.dumps(report))


if __name__ == "__main__":
    main()
