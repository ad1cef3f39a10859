#!/usr/bin/python3
"""The glycan requests benchmark (issue 14): GlyTouCan's glycans in bulk from SPARQL against the
per-glycan path, side by side in one run, with --no-enrich, W=100:

  bulk        harvest collect --sparql-url <Virtuoso holding the glycans>: keyset pages of 5,000
              carry each accession's sequences and mass (what harvest does now)
  per-glycan  harvest collect --ids <the synthesized ones> --sparql-url <an empty Virtuoso>: SPARQL
              knows none, so each costs one GlyCosmos gtcid2seqs request (what harvest did for
              every glycan before, and still does for an accession SPARQL lacks)

Against a real Virtuoso (tools/virtuoso: Debian's, shipped limits) and harvest-fixture-server
--synthesize (GlyCosmos replayed, 50 ms per response). Prints requests, requests per 1,000
glycans (goal: at most 1 for bulk), wall time here, and the time the requests alone would take at
the real services' default polite rates (ts.glytoucan.org 2 req/s, api.glycosmos.org 5 req/s).
Usage: bench/glycans.py [--build DIR] [--quick]   (100,000 synthesized glycans; --quick: 20,000)
"""
import argparse, json, os, re, sys, tempfile

from engine import ROOT, Server, measure
from virtuoso import Virtuoso

W = 100
POLITE = {"sparql": 2.0, "glycosmos": 5.0}  # req/s: glytoucan_default_rates()


def harvest(build, base, sparql, out, extra):
    return [os.path.join(build, "bin", "harvest"), "collect", "--source", "glytoucan", "--base-url", base, "--sparql-url", sparql,
            "--no-enrich", "--workers", str(W), "--progress", "never", "--log-level", "error", "--out", out,
            "--summary", out + ".summary.json", *extra]


def run(name, cmd, expected):
    r = measure(cmd)
    if r["exit"] != 0:
        sys.exit(f"glycans: {name} failed (exit {r['exit']})")
    out = cmd[cmd.index("--out") + 1]
    ids = [json.loads(line)["id"] for line in open(out)]
    if len(ids) != expected or len(set(ids)) != expected:
        sys.exit(f"glycans: {name} wrote {len(ids)} records ({len(set(ids))} distinct), expected {expected}")
    summary = json.load(open(out + ".summary.json"))
    return {"records": len(ids), "requests": summary["requests"], "by_status": summary["requests_by_status"], "wall": r["wall"],
            "cpu": r["cpu"], "rss_mb": r["max_rss_mb"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    n = 20_000 if a.quick else 100_000
    print(f"[glycans] {n:,} synthesized glycans (+ the 100 recorded), --no-enrich, W={W}, 50 ms per fixture response", flush=True)
    full, empty = Virtuoso(n), Virtuoso(None)
    print(f"  Virtuoso loaded with {n + 100:,} glycans in {full.load_seconds:.1f} s", flush=True)
    server = Server(a.build, "--latency-ms", "50", "--synthesize", str(n))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            bulk = run("bulk", harvest(a.build, server.base, full.endpoint, os.path.join(tmp, "bulk.jsonl"), []), n + 100)
            # The synthesized ones: the fixture's GlyCosmos replay has sequences for each of them
            # (of the 100 recorded glycans it knows only those it has a recorded body for).
            ids = os.path.join(tmp, "ids.txt")
            recorded = set(re.findall(r'has_primary_id "(G\w{7})"', open(os.path.join(ROOT, "data", "rdf", "glytoucan", "core.ttl")).read()))
            with open(ids, "w") as f:
                f.writelines(i + "\n" for i in (json.loads(line)["id"] for line in open(os.path.join(tmp, "bulk", "bulk.jsonl"))) if i not in recorded)
            per = run("per-glycan", harvest(a.build, server.base, empty.endpoint, os.path.join(tmp, "per.jsonl"), ["--ids", ids]), n)
    finally:
        server.close()
        full.close()
        empty.close()
    # Every bulk request is SPARQL; the per-glycan run's are its lookups (SPARQL, one per 2,000) and GlyCosmos.
    lookups = -(-n // 2000)
    bulk["polite_s"] = bulk["requests"] / POLITE["sparql"]
    per["polite_s"] = lookups / POLITE["sparql"] + (per["requests"] - lookups) / POLITE["glycosmos"]
    def duration(s):
        return f"{s:.1f} s" if s < 3600 else f"{s / 3600:.1f} h"

    print(f"  {'path':11s} {'records':>8s} {'requests':>9s} {'per 1k':>8s} {'wall here':>10s} {'at polite rates':>16s} {'CPU s':>7s} {'RSS MB':>7s}")
    for name, r in (("bulk", bulk), ("per-glycan", per)):
        print(f"  {name:11s} {r['records']:8d} {r['requests']:9d} {1000 * r['requests'] / r['records']:8.3f} {r['wall']:9.2f}s "
              f"{duration(r['polite_s']):>16s} {r['cpu']:7.2f} {r['rss_mb']:7.1f}", flush=True)
    print(f"  per-glycan / bulk: {per['requests'] / bulk['requests']:.0f}x the requests, {per['wall'] / bulk['wall']:.1f}x the wall time here, "
          f"{per['polite_s'] / bulk['polite_s']:.0f}x the time at polite rates", flush=True)
    goal = 1000 * bulk["requests"] / bulk["records"]
    print(f"  goal (bulk): at most 1 request per 1,000 glycans: {goal:.3f} -> {'met' if goal <= 1 else 'NOT met'}")
    print("\nsummary: " + json.dumps({"glycans": n + 100, "bulk": bulk, "per_glycan": per}))


if __name__ == "__main__":
    main()
