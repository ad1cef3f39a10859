#!/usr/bin/python3
"""The PyPI pipeline in asyncio + aiohttp, as a researcher writes it: list the PEP 691 index,
fetch every project's JSON with `workers` in flight, parse it, write one JSONL line per project."""
import asyncio, json, sys, time

import aiohttp

base, workers, out_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]


async def main():
    start = time.monotonic()
    written = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=workers)) as session:
        async with session.get(base + "/simple/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}) as r:
            names = [p["name"] for p in (await r.json(content_type=None))["projects"]]
        queue = iter(names)
        with open(out_path, "w") as out:
            async def worker():
                nonlocal written
                for name in queue:
                    async with session.get(f"{base}/pypi/{name}/json") as r:
                        doc = json.loads(await r.read())
                    info = doc["info"]
                    record = {"name": info["name"], "version": info["version"], "summary": info.get("summary"),
                              "requires_dist": info.get("requires_dist") or [], "versions": list(doc.get("releases", {}))}
                    out.write(json.dumps({"id": name, "source": "pypi", "record": record}) + "\n")
                    written += 1
            await asyncio.gather(*(worker() for _ in range(workers)))
    return written, time.monotonic() - start


written, elapsed = asyncio.run(main())
print(json.dumps({"tool": "aiohttp", "records": written, "elapsed": elapsed}))
