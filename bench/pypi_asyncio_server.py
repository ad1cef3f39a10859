#!/usr/bin/python3
"""An independent PyPI-shaped server for the pipeline benchmark: a plain asyncio Protocol
(HTTP/1.1 keep-alive, no framework), every response held `--latency-ms` before it is sent.

  GET /simple/              PEP 691 JSON index of --projects names (project-00000, ...)
  GET /pypi/<name>/json     the recorded pytest.json body with info.name set to <name>

Prints its port on the first line of stdout once it listens. Runs until terminated.
Usage: bench/pypi_asyncio_server.py [--port 0] [--projects 20000] [--latency-ms 50]
"""
import argparse, asyncio, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = os.path.join(os.path.dirname(HERE), "data", "fixtures", "pypi", "pytest.json")


def project_body(template):
    """A function name -> body bytes: the template with info.name replaced."""
    doc = json.load(open(template))
    doc["info"]["name"] = "\0NAME\0"
    prefix, suffix = json.dumps(doc).encode().split(b"\\u0000NAME\\u0000")
    return lambda name: prefix + name + suffix


def response(status, body, content_type, extra=b""):
    reason = {200: b"OK", 404: b"Not Found"}[status]
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


class App:
    def __init__(self, projects, latency_ms):
        self.latency = latency_ms / 1000
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
            return response(200, self.body(parts[2]), b"application/json", b"X-PyPI-Last-Serial: %d\r\n" % self.serial[parts[2]])
        return response(404, b"{}", b"application/json")


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--projects", type=int, default=20000)
    ap.add_argument("--latency-ms", type=float, default=50)
    a = ap.parse_args()
    app = App(a.projects, a.latency_ms)
    server = await asyncio.get_running_loop().create_server(lambda: Http(app), "127.0.0.1", a.port, backlog=1024)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
