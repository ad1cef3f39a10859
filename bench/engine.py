#!/usr/bin/python3
"""The engine benchmark (issue 3): harvest's HTTP engine against the approaches it replaces,
side by side in one run, all against harvest-fixture-server on 127.0.0.1. Prints ratios.

  latency-bound  50 ms per response, W=100, 20,000 requests: achieved rate / ideal (W / latency)
  CPU-bound      0 ms, PyPI-shaped bodies: CPU seconds per 10,000 requests, vs each peer
  rate-bound     server allows 20 req/s; harvest --rate 20: measured rate and 429s
  memory         peak RSS at W=100 for 1,000 vs 100,000 requests

Usage: bench/engine.py [--build DIR] [--quick]   (--quick: smaller counts, for a smoke run)
"""
import argparse, json, os, subprocess, sys, tempfile, urllib.request

from wrk import run_wrk

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PYPI_PROJECTS = ["cage", "boolean-py", "celery", "distribute", "django-split-settings", "hbmqtt", "luigi",
                 "pendulum", "poetry", "psycopg2", "pytest", "requests", "six"]


class Server:
    """harvest-fixture-server on 127.0.0.1; with processes > 1, that many share the port
    (--reuse-port) and the kernel spreads the connections over them."""

    def __init__(self, build, *args, processes=1):
        exe = os.path.join(build, "bin", "harvest-fixture-server")
        shared = ["--reuse-port"] if processes > 1 else []
        self.port = 0
        self.procs = []
        for _ in range(processes):  # each prints its port once it listens
            self.procs.append(subprocess.Popen([exe, "--port", str(self.port), "--print-port", *shared, *args],
                                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True))
            self.port = int(self.procs[-1].stdout.readline())
        self.base = f"http://127.0.0.1:{self.port}"

    def get(self, path):
        with urllib.request.urlopen(self.base + path) as r:
            return r.read().decode()

    def close(self):
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            p.wait(10)


def measure(cmd):
    out = subprocess.run([sys.executable, os.path.join(HERE, "measure.py"), *cmd], stdout=subprocess.PIPE, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def url_file(urls):
    f = tempfile.NamedTemporaryFile("w", suffix=".urls", delete=False)
    f.write("\n".join(urls) + "\n")
    f.close()
    return f.name


def tools(build, urls, count, workers):
    return {
        "harvest": [os.path.join(build, "bin", "harvest-bench"), "--urls", urls, "--count", str(count), "--workers", str(workers)],
        "requests+threads": ["/usr/bin/python3", os.path.join(HERE, "peers", "requests_threads.py"), urls, str(count), str(workers)],
        "aiohttp": ["/usr/bin/python3", os.path.join(HERE, "peers", "aiohttp_client.py"), urls, str(count), str(workers)],
        "curl --parallel": [os.path.join(HERE, "peers", "curl_parallel.sh"), urls, str(count), str(workers)],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    scale = 10 if a.quick else 1
    W = 100
    report = {}

    print(f"machine: {os.cpu_count()} cores; all tools and the fixture server share them", flush=True)

    # 1. latency-bound
    # Two server processes share the port: one alone queues harvest's responses behind each other
    # (requests come back in dense platoons, and a single-threaded server writes a platoon's
    # responses one by one), which showed as its own lateness, not the client's. The line after
    # the table repeats harvest and aiohttp against one process, for comparison.
    n = 20000 // scale
    ideal = W / 0.050
    print(f"\n[latency-bound] 50 ms per response, W={W}, {n} requests; ideal {ideal:.0f} req/s; 2 server processes", flush=True)
    server = Server(a.build, "--latency-ms", "50", processes=2)
    urls = url_file([server.base + "/pypi/pytest/json"])
    for name, cmd in tools(a.build, urls, n, W).items():
        r = measure(cmd)
        rate = r["ok"] / r["elapsed"]
        report.setdefault("latency", {})[name] = {"rate": rate, "ratio": rate / ideal, "ok": r["ok"]}
        print(f"  {name:18s} {rate:8.0f} req/s   rate/ideal {rate / ideal:5.3f}   ok {r['ok']}/{n}", flush=True)
    server.close()
    server = Server(a.build, "--latency-ms", "50")
    urls = url_file([server.base + "/pypi/pytest/json"])
    single = {}
    for name in ("harvest", "aiohttp"):
        r = measure(tools(a.build, urls, n, W)[name])
        single[name] = r["ok"] / r["elapsed"] / ideal
    report["latency_one_server_process"] = single
    print("  (one server process: " + ", ".join(f"{k} {v:.3f}" for k, v in single.items()) + ")", flush=True)
    server.close()

    # 2. CPU-bound
    n = 10000 // scale
    # Uncompressed, so that every tool moves the same bytes and the figure is the client's own
    # cost (with gzip, zlib's inflate dominates every tool alike).
    server = Server(a.build, "--no-gzip")
    urls = url_file([f"{server.base}/pypi/{p}/json" for p in PYPI_PROJECTS])
    print(f"\n[CPU-bound] 0 ms, the 13 recorded PyPI project bodies (2.6-321 KB, identity) round-robin, W={W}, {n} requests", flush=True)
    cpu = {}
    for name, cmd in tools(a.build, urls, n, W).items():
        r = measure(cmd)
        cpu[name] = r["cpu"] * 10000 / n
        kernel = r["sys"] * 10000 / n
        print(f"  {name:18s} {cpu[name]:7.2f} CPU s per 10,000 requests, {kernel:5.2f} of them in the kernel   "
              f"({r['ok'] / r['elapsed']:.0f} req/s, ok {r['ok']}/{n})", flush=True)
    # The floor: wrk (C, one thread) parses each response and throws it away. Its kernel time is
    # what receiving these bytes over TCP costs any client on this machine.
    w = run_wrk(server.base, [f"/pypi/{p}/json" for p in PYPI_PROJECTS], 3 if a.quick else 5, threads=1, connections=W)
    floor = {"cpu": (w["user"] + w["sys"]) * 10000 / w["requests"], "sys": w["sys"] * 10000 / w["requests"]}
    print(f"  {'wrk (floor)':18s} {floor['cpu']:7.2f} CPU s per 10,000 requests, {floor['sys']:5.2f} of them in the kernel   "
          f"({w['rate']:.0f} req/s; reads and discards)", flush=True)
    for name in cpu:
        if name != "harvest":
            print(f"  harvest / {name:18s} CPU ratio {cpu['harvest'] / cpu[name]:.3f}")
    print(f"  harvest / wrk floor          CPU ratio {cpu['harvest'] / floor['cpu']:.3f}")
    report["cpu"] = cpu
    report["cpu_floor_wrk"] = floor
    server.close()

    # 3. rate-bound
    n = 400 // (4 if a.quick else 1)
    # The server's bucket allows a burst of 5, as real rate limiters do: with a burst of 1 on both
    # sides, any network jitter between two requests 50 ms apart would be a 429.
    server = Server(a.build, "--rate", "20", "--burst", "5")
    urls = url_file([server.base + "/pypi/six/json"])
    cmd = tools(a.build, urls, n, W)["harvest"] + ["--rate", "20", "--burst", "1"]
    r = measure(cmd)
    log = [json.loads(l) for l in server.get("/_fixture/log?since=0").splitlines()]
    span = (log[-1]["ms"] - log[0]["ms"]) / 1000
    measured = (len(log) - 1) / span
    too_many = sum(1 for e in log if e["status"] == 429)
    print(f"\n[rate-bound] server allows 20 req/s, burst 5 (429 beyond); harvest --rate 20 --burst 1, {n} requests", flush=True)
    print(f"  harvest            {measured:.3f} req/s at the server ({100 * abs(measured - 20) / 20:.2f} % from 20), 429s: {too_many}")
    report["rate"] = {"measured": measured, "429": too_many}
    server.close()

    # 4. memory
    server = Server(a.build)
    urls = url_file([server.base + "/pypi/pytest/json"])
    print(f"\n[memory] harvest peak RSS at W={W}, 0 ms", flush=True)
    for n in (1000, 100000 // scale):
        r = measure(tools(a.build, urls, n, W)["harvest"])
        report.setdefault("memory", {})[n] = r["max_rss_mb"]
        print(f"  {n:7d} requests   peak RSS {r['max_rss_mb']:.1f} MB   ({r['ok'] / r['elapsed']:.0f} req/s)", flush=True)
    server.close()

    print("\nsummary: " + json.dumps(report))


if __name__ == "__main__":
    main()
