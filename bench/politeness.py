#!/usr/bin/python3
"""The politeness benchmark (issue 15): harvest with default flags against servers that limit
their rate, and harvest set to a server's exact rate, figures side by side in one run.

  learned   the fixture server over --rate 20 (burst 1), over --rate 5 --burst 1, and over
            --rate 20 answering 503 + Retry-After; harvest collect --source pypi with default
            flags (127.0.0.1 has no rate of its own: harvest must learn the server's)
  exact     an independent asyncio server (bench/pypi_asyncio_server.py) allowing exactly
            R = 20 req/s with a burst of 20; harvest --rate 20 --burst 20

For each: targets written and failed, requests, throttles (429/503) in all and after the first
5 s as a share of the requests sent then, the rate harvest settled at (its summary), and the
rate the server accepted after the first 5 s against its limit.
Usage: bench/politeness.py [--quick] [--targets N]
"""
import argparse, json, os, subprocess, sys, tempfile, urllib.request

from engine import ROOT, Server


def names(base, count):
    req = urllib.request.Request(base + "/simple/", headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(req) as r:
        projects = [p["name"] for p in json.load(r)["projects"]]
    return projects[:count]


def collect(build, base, ids, work, extra=()):
    out, summary = os.path.join(work, "out.jsonl"), os.path.join(work, "summary.json")
    ids_file = os.path.join(work, "ids.txt")
    with open(ids_file, "w") as f:
        f.write("\n".join(ids) + "\n")
    cmd = [os.path.join(build, "bin", "harvest"), "collect", "--source", "pypi", "--base-url", base, "--ids", ids_file,
           "--out", out, "--summary", summary, "--fresh", "--progress", "never", *extra]
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    with open(summary) as f:
        s = json.load(f)
    with open(os.path.join(work, "out", "out.jsonl")) as f:  # the dataset directory --out names
        written = sum(1 for _ in f)
    return proc.returncode, written, s


def arrivals_fixture(log):
    """(seconds, status) of every project request, from the fixture server's --log-file."""
    rows = []
    for line in open(log):
        r = json.loads(line)
        if r["route"] != "control" and "/pypi/" in r["target"]:
            rows.append((r["ms"] / 1000, r["status"]))
    return rows


def arrivals_asyncio(log):
    return [(float(t), int(s)) for t, s in (line.split() for line in open(log))]


def figures(name, limit, code, written, targets, s, rows):
    start = rows[0][0] if rows else 0
    later = [(t, st) for t, st in rows if t - start >= 5]
    throttled = sum(1 for _, st in rows if st in (429, 503))
    throttled_later = sum(1 for _, st in later if st in (429, 503))
    accepted_later = sum(1 for _, st in later if st == 200)
    span = (later[-1][0] - later[0][0]) if len(later) > 1 else 0
    accepted_rate = accepted_later / span if span else 0
    settled = [h for h in s.get("hosts", []) if h.get("rate") is not None]
    settled_rate = settled[0]["rate"] if settled else None
    share = 100 * throttled_later / len(later) if later else 0
    print(f"{name:<34} exit {code}  written {written}/{targets}  failed {s['failures']}  requests {s['requests']}  "
          f"throttled {throttled} (after 5 s: {throttled_later}, {share:.2f} %)  settled "
          + (f"{settled_rate:.2f} req/s ({settled_rate / limit:.3f} of {limit:g})" if settled_rate else "unpaced")
          + f"  accepted after 5 s {accepted_rate:.2f} req/s ({accepted_rate / limit:.3f})  {s['elapsed_seconds']:.1f} s")
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--targets", type=int)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    a = ap.parse_args()
    targets = a.targets or (300 if a.quick else 2000)
    print(f"politeness: {targets} PyPI targets each, default flags unless named, 127.0.0.1")
    with tempfile.TemporaryDirectory() as work:
        for name, limit, server_args in [("fixture --rate 20", 20, ["--rate", "20"]),
                                         ("fixture --rate 5 --burst 1", 5, ["--rate", "5", "--burst", "1"]),
                                         ("fixture --rate 20, 503 + Retry-After", 20, ["--rate", "20", "--rate-status", "503"])]:
            log = os.path.join(work, "fixture.log")
            if os.path.exists(log):
                os.remove(log)
            server = Server(a.build, "--synthesize", str(targets), "--log", log, *server_args)
            try:
                ids = names(server.base, targets)
                code, written, s = collect(a.build, server.base, ids, work)
            finally:
                server.close()
            figures(name, limit, code, written, len(ids), s, arrivals_fixture(log))

        exact = min(targets, 400)
        log = os.path.join(work, "asyncio.log")
        proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "bench", "pypi_asyncio_server.py"), "--projects", str(exact),
                                 "--latency-ms", "5", "--rate", "20", "--burst", "20", "--log", log], stdout=subprocess.PIPE, text=True)
        try:
            base = f"http://127.0.0.1:{int(proc.stdout.readline())}"
            ids = [f"project-{i:05d}" for i in range(exact)]
            code, written, s = collect(a.build, base, ids, work, ["--rate", "20", "--burst", "20"])
        finally:
            proc.terminate()
            proc.wait(10)
        figures("asyncio R=20 burst 20, --rate 20", 20, code, written, exact, s, arrivals_asyncio(log))


if __name__ == "__main__":
    main()
