#!/usr/bin/python3
"""An independent PyPI-shaped server for the pipeline benchmark: a plain asyncio Protocol
(HTTP/1.1 keep-alive, no framework), every response held `--latency-ms` before it is sent.

  GET /simple/              PEP 691 JSON index of --projects names (project-00000, ...)
  GET /pypi/<name>/json     the recorded pytest.json body with info.name set to <name>

With --rate R, project requests over a token bucket of R per second (--burst B tokens, full at
start) are answered 429 with Retry-After, and every answer is logged with its arrival time to
--log (one line: seconds since start, status) for the politeness benchmark.
Prints its port on the first line of stdout once it listens. Runs until terminated.
Usage: bench/pypi_asyncio_server.py [--port 0] [--projects 20000] [--latency-ms 50] [--rate R --burst B --log FILE]
"""
import argparse, asyncio, json, math, os, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = os.path.join(os.path.dirname(HERE), "data", "fixtures", "pypi", "pytest.json")


def project_body(template):
    """A function name -> body bytes: the template with info.name replaced."""
    doc = json.load(open(template))
    doc["info"]["name"] = "\0NAME\0"
    prefix, suffix = json.dumps(doc).encode().split(b"\\u0000NAME\\u0000")
    return lambda name: prefix + name + suffix


def response(status, body, content_type, extra=b""):
    reason = {200: b"OK", 404: b"Not Found", 429: b"Too Many Requests"}[status]
    return (b"HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n%s\r\n" % (status, reason, content_type, len(body), extra)) + body


class Http(asyncio.Protocol):
    def __init__(self, app):
        self.app, self.buffer, self.transport = app, b"", None

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            target = head.split(b"\r\n", 1)[0].split(b" ")[1]
            reply = self.app(target)
            asyncio.get_running_loop().call_later(self.app.latency, self.send, reply)

    def send(self, reply):
        if not self.transport.is_closing():
            self.transport.write(reply)


class TokenBucket:
    """rate tokens a second into a bucket of burst, full at start: take() is None when a token was
    there, else the seconds until one will be."""
    def __init__(self, rate, burst):
        self.rate, self.burst, self.tokens, self.last = rate, burst, burst, time.monotonic()

    def take(self):
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return None
        return (1 - self.tokens) / self.rate


class App:
    def __init__(self, projects, latency_ms, rate=None, burst=1, log=None):
        self.latency = latency_ms / 1000
        self.bucket = TokenBucket(rate, burst) if rate else None
        self.log, self.started = log, time.monotonic()
        self.body = project_body(TEMPLATE)
        self.names = [b"project-%05d" % i for i in range(projects)]
        self.serial = {n: 1000 + i for i, n in enumerate(self.names)}
        index = {"meta": {"api-version": "1.1", "_last-serial": 1000 + projects},
                 "projects": [{"name": n.decode(), "_last-serial": self.serial[n]} for n in self.names]}
        self.index = response(200, json.dumps(index).encode(), b"application/vnd.pypi.simple.v1+json")

    def __call__(self, target):
        if target == b"/simple/":
            return self.index
        parts = target.split(b"/")  # b"", b"pypi", name, b"json"
        if len(parts) == 4 and parts[1] == b"pypi" and parts[3] == b"json" and parts[2] in self.serial:
            wait = self.bucket.take() if self.bucket else None
            if self.log:
                self.log.write("%.4f %d\n" % (time.monotonic() - self.started, 429 if wait else 200))
            if wait:
                return response(429, b'{"message": "Too Many Requests"}', b"application/json", b"Retry-After: %d\r\n" % math.ceil(wait))
            return response(200, self.body(parts[2]), b"application/json", b"X-PyPI-Last-Serial: %d\r\n" % self.serial[parts[2]])
        return response(404, b"{}", b"application/json")


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--projects", type=int, default=20000)
    ap.add_argument("--latency-ms", type=float, default=50)
    ap.add_argument("--rate", type=float)
    ap.add_argument("--burst", type=float, default=1)
    ap.add_argument("--log")
    a = ap.parse_args()
    app = App(a.projects, a.latency_ms, a.rate, a.burst, open(a.log, "w", buffering=1) if a.log else None)
    server = await asyncio.get_running_loop().create_server(lambda: Http(app), "127.0.0.1", a.port, backlog=1024)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
