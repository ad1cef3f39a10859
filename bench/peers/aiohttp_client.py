#!/usr/bin/python3
"""asyncio + aiohttp with `workers` requests in flight over one ClientSession."""
import asyncio, json, sys, time

import aiohttp

urls_file, count, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
urls = [u.strip() for u in open(urls_file) if u.strip()]


async def main():
    ok = 0
    next_index = 0
    connector = aiohttp.TCPConnector(limit=workers)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def worker():
            nonlocal ok, next_index
            while next_index < count:
                i = next_index
                next_index += 1
                async with session.get(urls[i % len(urls)]) as r:
                    await r.read()
                    ok += r.status == 200
        start = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(workers)))
        return ok, time.monotonic() - start


ok, elapsed = asyncio.run(main())
print(json.dumps({"tool": "aiohttp", "requests": count, "ok": ok, "elapsed": elapsed}))
