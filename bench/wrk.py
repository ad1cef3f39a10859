"""wrk over a list of paths in turn, as the benchmarks' ceiling and floor: a C load generator
that parses every response and discards it."""
import json, os, resource, subprocess, tempfile


def run_wrk(base, paths, seconds, threads, connections):
    """Runs wrk; returns its requests, requests/s and CPU seconds (user, kernel), from getrusage."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n"
                     "i = 0\n"
                     "request = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "-s", script.name, base],
                             stdout=subprocess.PIPE, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = out.splitlines()
    return {"requests": int(next(l.split()[0] for l in lines if " requests in " in l)),
            "rate": float(next(l.split()[1] for l in lines if l.startswith("Requests/sec:"))),
            "user": after.ru_utime - before.ru_utime, "sys": after.ru_stime - before.ru_stime}
