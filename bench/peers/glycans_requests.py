#!/usr/bin/python3
"""The glycan job with requests + ThreadPoolExecutor(workers): one Session per thread, each
task fetches one accession's two bodies in turn. Usage: BASE SPARQL_URL WORKERS OUT.jsonl"""
import json, sys, threading, time
from concurrent.futures import ThreadPoolExecutor, as_completed

import requests

from glycan_job import LISTING_HEADERS, list_all, record_line, urls

base, sparql, workers, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
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
targets = list_all(lambda form: requests.post(sparql, data=form, headers=LISTING_HEADERS, timeout=60).content)
written = 0
with open(out, "w") as f, ThreadPoolExecutor(max_workers=workers) as pool:
    for future in as_completed([pool.submit(fetch, a, w) for a, w in targets]):
        f.write(future.result())
        written += 1
print(json.dumps({"tool": "requests+threads", "records": written, "elapsed": time.monotonic() - start}))
