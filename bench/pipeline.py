#!/usr/bin/python3
"""The pipeline benchmark (issue 13): does durability stall the network? harvest writing a
.jsonl dataset with per-batch fsync and state commits, against its own --out - (no disk at all),
and asyncio + aiohttp doing the same job, side by side and interleaved in one run, all against
an independent asyncio server (bench/pypi_asyncio_server.py: 50 ms per response).

  20,000 PyPI projects, W=100 in flight, 50 ms per response: ideal 10.0 s (+ the listing)

Prints each tool's median wall time over the rounds, and the two ratios that matter:
batch-50 file output / stdout output (goal: within 2 %), and aiohttp / harvest (goal: > 1).
Usage: bench/pipeline.py [--build DIR] [--quick] [--rounds N]
"""
import argparse, json, os, statistics, subprocess, sys, tempfile

from engine import HERE, ROOT, measure

W = 100


class AsyncioServer:
    def __init__(self, projects, latency_ms):
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "pypi_asyncio_server.py"), "--projects", str(projects),
                                      "--latency-ms", str(latency_ms)], stdout=subprocess.PIPE, text=True)
        self.base = f"http://127.0.0.1:{int(self.proc.stdout.readline())}"

    def close(self):
        self.proc.terminate()
        self.proc.wait(10)


def harvest(build, base, out, extra):
    cmd = [os.path.join(build, "bin", "harvest"), "collect", "--source", "pypi", "--base-url", base, "--workers", str(W),
           "--progress", "never", "--log-level", "error", "--out", out, *extra]
    return cmd


def count_lines(path):
    with open(path, "rb") as f:
        return sum(1 for _ in f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rounds", type=int, default=0)
    a = ap.parse_args()
    projects = 5000 if a.quick else 20000
    rounds = a.rounds or (1 if a.quick else 3)
    latency_ms = 50
    server = AsyncioServer(projects, latency_ms)
    ideal = (1 + -(-projects // W)) * latency_ms / 1000
    print(f"\n[pipeline] {projects} PyPI projects, W={W}, {latency_ms} ms per response from an asyncio server; "
          f"ideal {ideal:.2f} s; {rounds} interleaved round(s)", flush=True)
    walls, cpus = {}, {}
    summaries = {}
    try:
        for _ in range(rounds):
            with tempfile.TemporaryDirectory() as d:
                runs = {
                    "harvest --batch-size 50 (file)": (harvest(a.build, server.base, os.path.join(d, "b50", "p.jsonl"),
                                                               ["--batch-size", "50", "--summary", os.path.join(d, "s50.json")]),
                                                       os.path.join(d, "b50", "p", "p.jsonl"), os.path.join(d, "s50.json")),
                    "harvest --batch-size 1000 (file)": (harvest(a.build, server.base, os.path.join(d, "b1000", "p.jsonl"),
                                                                 ["--batch-size", "1000", "--summary", os.path.join(d, "s1000.json")]),
                                                         os.path.join(d, "b1000", "p", "p.jsonl"), os.path.join(d, "s1000.json")),
                    "harvest --out - (no disk)": (["/bin/sh", "-c", " ".join(harvest(a.build, server.base, "-",
                                                   ["--batch-size", "50", "--summary", os.path.join(d, "sout.json")])) + " > /dev/null"],
                                                  None, os.path.join(d, "sout.json")),
                    "aiohttp": (["/usr/bin/python3", os.path.join(HERE, "peers", "pypi_aiohttp.py"), server.base, str(W), os.path.join(d, "aio.jsonl")],
                                os.path.join(d, "aio.jsonl"), None),
                }
                os.makedirs(os.path.join(d, "b50"))
                os.makedirs(os.path.join(d, "b1000"))
                for tool, (cmd, out, summary) in runs.items():
                    r = measure(cmd)
                    if r["exit"] != 0:
                        sys.exit(f"pipeline: {tool} failed (exit {r['exit']})")
                    if out and count_lines(out) != projects:
                        sys.exit(f"pipeline: {tool} wrote {count_lines(out)} records, expected {projects}")
                    walls.setdefault(tool, []).append(r["wall"])
                    cpus.setdefault(tool, []).append(r["cpu"])
                    if summary:
                        s = json.load(open(summary))
                        if s["records"] != projects:
                            sys.exit(f"pipeline: {tool} reports {s['records']} records, expected {projects}")
                        summaries.setdefault(tool, []).append(s)
    finally:
        server.close()
    median = {tool: statistics.median(w) for tool, w in walls.items()}
    print(f"  {'tool':34s} {'median':>8s} {'runs':>32s} {'/ ideal':>8s} {'CPU s':>6s} {'p50 ms':>7s} {'convert+write s':>16s}")
    for tool, w in walls.items():
        s = summaries.get(tool)
        p50 = f"{statistics.median(x['latency_ms']['p50'] for x in s):7.1f}" if s else f"{'-':>7s}"
        cw = f"{statistics.median(x['time_seconds']['convert_write'] for x in s):16.2f}" if s else f"{'-':>16s}"
        print(f"  {tool:34s} {median[tool]:7.2f}s {' '.join(f'{x:.2f}' for x in w):>32s} {ideal / median[tool]:8.3f} "
              f"{statistics.median(cpus[tool]):6.2f} {p50} {cw}", flush=True)
    file50, stdout, aio = median["harvest --batch-size 50 (file)"], median["harvest --out - (no disk)"], median["aiohttp"]
    print(f"  batch-50 file / stdout: {file50 / stdout:.3f} (goal <= 1.02); aiohttp / harvest batch-50: {aio / file50:.3f} (goal > 1)")
    print("summary: " + json.dumps({"projects": projects, "rounds": rounds, "walls": walls, "cpu": cpus, "ideal": ideal}))


if __name__ == "__main__":
    main()
