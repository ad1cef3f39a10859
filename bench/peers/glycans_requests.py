#!/usr/bin/python3
"""The glycan job with requests + ThreadPoolExecutor(workers): one Session per thread, each
task fetches one accession's two bodies in turn. Usage: BASE WORKERS OUT.jsonl"""
import json, sys, threading, time
from concurrent.futures import ThreadPoolExecutor, as_completed

import requests

from glycan_job import LISTING_HEADERS, PAGE, listing_form, parse_listing, record_line, urls

base, workers, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
local = threading.local()


def session():
    s = getattr(local, "session", None)
    if s is None:
        s = local.session = requests.Session()
    return s


def fetch(accession, wurcs):
    seqs_url, detail_url = urls(base, accession)
    seqs = session().get(seqs_url, timeout=30)
    detail = session().get(detail_url, timeout=30)
    return record_line(accession, wurcs, seqs.content, detail.status_code, detail.content)


start = time.monotonic()
targets, offset = [], 0
while True:
    page = parse_listing(requests.post(base + "/sparql", data=listing_form(offset), headers=LISTING_HEADERS, timeout=60).content)
    targets += page
    offset += len(page)
    if len(page) < PAGE:
        break
written = 0
with open(out, "w") as f, ThreadPoolExecutor(max_workers=workers) as pool:
    for future in as_completed([pool.submit(fetch, a, w) for a, w in targets]):
        f.write(future.result())
        written += 1
print(json.dumps({"tool": "requests+threads", "records": written, "elapsed": time.monotonic() - start}))
