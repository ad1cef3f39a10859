#!/usr/bin/python3
"""The glycan job with asyncio + aiohttp: at most `workers` requests in flight over one
ClientSession; each accession's two bodies fetched concurrently. Usage: BASE SPARQL_URL WORKERS OUT.jsonl"""
import asyncio, json, sys, time

import aiohttp

from glycan_job import LISTING_HEADERS, listing_form, parse_listing, record_line, urls

base, sparql, workers, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]


async def main():
    start = time.monotonic()
    limit = asyncio.Semaphore(workers)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=workers)) as session:
        async def get(url):
            async with limit, session.get(url) as r:
                return r.status, await r.read()

        targets = []
        while True:
            async with session.post(sparql, data=listing_form(targets[-1][0] if targets else ""), headers=LISTING_HEADERS) as r:
                page = parse_listing(await r.read())
            if not page:
                break
            targets += page

        async def one(accession, wurcs):
            seqs_url, detail_url = urls(base, accession)
            (_, seqs), (status, detail) = await asyncio.gather(get(seqs_url), get(detail_url))
            return record_line(accession, wurcs, seqs, status, detail)

        written = 0
        with open(out, "w") as f:
            for next_done in asyncio.as_completed([one(a, w) for a, w in targets]):
                f.write(await next_done)
                written += 1
    return written, time.monotonic() - start


written, elapsed = asyncio.run(main())
print(json.dumps({"tool": "aiohttp", "records": written, "elapsed": elapsed}))
