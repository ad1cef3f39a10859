#!/usr/bin/python3
"""Runs a command and prints its JSON result line merged with the child's CPU seconds (user +
system, and system alone) and peak RSS, measured by the kernel (getrusage of the child). The
child's standard error is shown only when it fails."""
import json, resource, subprocess, sys, time

start = time.monotonic()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
if proc.returncode != 0:  # a tool's messages matter only when it failed
    sys.stderr.write(proc.stderr)
wall = time.monotonic() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
result = json.loads(lines[-1]) if lines else {}
result.update({"exit": proc.returncode, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "sys": usage.ru_stime,
               "max_rss_mb": usage.ru_maxrss / 1024})
print(json.dumps(result))
