#!/usr/bin/python3
"""The approach harvest replaces: requests + ThreadPoolExecutor(100), one Session per thread."""
import json, sys, threading, time
from concurrent.futures import ThreadPoolExecutor

import requests

urls_file, count, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
urls = [u.strip() for u in open(urls_file) if u.strip()]
local = threading.local()


def fetch(i):
    session = getattr(local, "session", None)
    if session is None:
        session = local.session = requests.Session()
    r = session.get(urls[i % len(urls)], timeout=30)
    r.content  # read the whole body
    return r.status_code


start = time.monotonic()
with ThreadPoolExecutor(max_workers=workers) as pool:
    statuses = list(pool.map(fetch, range(count)))
elapsed = time.monotonic() - start
print(json.dumps({"tool": "requests+threads", "requests": count, "ok": statuses.count(200), "elapsed": elapsed}))
