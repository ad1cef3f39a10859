#!/usr/bin/python3
"""Checks harvest's --follow-deps closure with an independent PEP 440/508 implementation
(Debian's python3-packaging): against a fixture server this script starts (and stops by PID),
serving the recorded PyPI bodies and stand-ins for the dependencies no body was recorded for,
it harvests the closure of celery, pytest and poetry for Python 3.12 on Linux, then:

- every chosen version satisfies the specifier of its edge (packaging.specifiers);
- for every release whose requirements were followed, a requirement has an edge exactly when
  packaging says its marker holds in that environment (no extra asked for);
- celery's closure holds no backend extra and no Python 2 backport;
- with celery[redis] the redis edge appears, marked with its extra;
- killed mid-closure and resumed, no edge is lost or doubled;
- with --out - the records go to stdout and a warning says the edges need a dataset directory.

Usage: closure_check.py HARVEST_EXE FIXTURE_SERVER_EXE"""
import json, os, subprocess, sys, tempfile, time

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging import __version__ as packaging_version
from packaging.version import Version

harvest, server_exe = sys.argv[1], sys.argv[2]
environment = dict(default_environment(), python_version="3.12", python_full_version="3.12.0", implementation_name="cpython",
                   implementation_version="3.12.0", platform_python_implementation="CPython", os_name="posix", sys_platform="linux",
                   platform_system="Linux", platform_machine="x86_64", platform_release="", platform_version="")
checks = 0


def closure(base, directory, ids):
    os.makedirs(directory)
    out = os.path.join(directory, "closure.jsonl")
    run = subprocess.run([harvest, "collect", "--source", "pypi", "--base-url", base, "--ids", "-", "--follow-deps", "--python-version", "3.12",
                          "--platform", "linux", "--out", out, "--progress", "never"], input=ids, capture_output=True, text=True, timeout=120)
    assert run.returncode in (0, 3), run.stderr  # 3: a chosen release of a recorded project the replay does not hold
    data = os.path.join(directory, "closure")
    records = {}
    for name in sorted(os.listdir(data)):
        if name.endswith(".jsonl"):
            for line in open(os.path.join(data, name)):
                r = json.loads(line)
                records[r["id"]] = r["record"]
    edges = [json.loads(line) for line in open(os.path.join(data, "edges", "edges.jsonl"))]
    return records, edges


server = subprocess.Popen([server_exe, "--port", "0", "--print-port", "--dependencies", "stand-ins"], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True)
try:
    base = f"http://127.0.0.1:{int(server.stdout.readline())}"
    with tempfile.TemporaryDirectory() as tmp:
        records, edges = closure(base, os.path.join(tmp, "a"), "celery\npytest\npoetry\n")
        chosen = [e for e in edges if e["chosen_version"]]
        assert len(chosen) >= 10, edges
        for e in chosen:
            assert Version(e["chosen_version"]) in SpecifierSet(e["specifier"], prereleases=True), e
        print(f"ok {len(chosen)} chosen versions each satisfy their specifier (packaging {packaging_version})")
        checks += 1

        # Every followed release: an edge exactly for the requirements whose marker holds.
        followed = {(e["from"], e["from_version"]) for e in edges}
        for (project, version) in followed:
            record = records.get(f"{project}=={version}") or records.get(project)
            assert record and record["version"] == version, (project, version)
            expected = set()
            for text in record["requires_dist"]:
                try:
                    req = Requirement(text)
                except InvalidRequirement:
                    continue
                if req.marker is None or req.marker.evaluate(dict(environment, extra="")):
                    expected.add(canonicalize_name(req.name))
            # (a requirement packaging refuses, e.g. "pytz (>dev)", is an edge with its problem: checked below)
            got = {e["to"] for e in edges if (e["from"], e["from_version"]) == (project, version) and not e["problem"].startswith("specifier")}
            assert got == expected, (project, version, sorted(got ^ expected))
        print(f"ok {len(followed)} followed releases: an edge exactly where packaging's marker evaluation says so")
        checks += 1

        celery = {e["to"] for e in edges if e["from"] == "celery"}
        assert celery == {"pytz", "billiard", "kombu", "vine"}, celery
        assert not {"pyarango", "redis", "backports-lzma", "librabbitmq"} & {e["to"] for e in edges}
        assert all(e["extra"] == "" for e in edges)
        for e in edges:  # the problems: an invalid specifier is said, never fatal
            if e["problem"].startswith("specifier"):
                try:
                    SpecifierSet(e["specifier"])
                    raise AssertionError(f"packaging accepts {e['specifier']!r}: {e}")
                except InvalidSpecifier:
                    pass
        print("ok celery for Python 3.12 on Linux: no backend extra, no Python 2 backport")
        checks += 1

        records, edges = closure(base, os.path.join(tmp, "b"), "celery[redis]\n")
        redis = [e for e in edges if e["to"] == "redis"]
        assert len(redis) == 1 and redis[0]["extra"] == "redis" and redis[0]["chosen_version"], redis
        assert Version(redis[0]["chosen_version"]) in SpecifierSet(redis[0]["specifier"])
        print("ok celery[redis]: the extra's requirement, marked with it")
        checks += 1

        # Killed mid-closure and resumed: the edges decided before the kill are kept (appended with
        # each committed batch), and the resumed run ends with the edges of an uninterrupted one.
        slow = subprocess.Popen([server_exe, "--port", "0", "--print-port", "--dependencies", "stand-ins", "--latency-ms", "150"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            slow_base = f"http://127.0.0.1:{int(slow.stdout.readline())}"
            os.makedirs(os.path.join(tmp, "k"))
            out = os.path.join(tmp, "k", "closure.jsonl")
            args = [harvest, "collect", "--source", "pypi", "--base-url", slow_base, "--ids", "-", "--follow-deps", "--out", out,
                    "--progress", "never", "--batch-size", "1", "--workers", "2"]
            killed = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
            killed.stdin.write("celery\npytest\npoetry\n")
            killed.stdin.close()
            edges_file = os.path.join(tmp, "k", "closure", "edges", "edges.jsonl")
            for _ in range(100):  # until some edges are committed
                if os.path.exists(edges_file) and os.path.getsize(edges_file) > 0:
                    break
                time.sleep(0.05)
            killed.kill()
            killed.wait(10)
            assert killed.returncode == -9, "the closure finished before it was killed"
            before = {line for line in open(edges_file) if line.endswith("\n")}
            assert before, "no edge committed before the kill"
            resumed = subprocess.run(args + ["--resume"], input="celery\npytest\npoetry\n", capture_output=True, text=True, timeout=120)
            assert resumed.returncode in (0, 3), resumed.stderr
            after = open(edges_file).read().splitlines(keepends=True)
            assert len(after) == len(set(after)) and before <= set(after), "edges lost or doubled"
            _, whole = closure(slow_base, os.path.join(tmp, "w"), "celery\npytest\npoetry\n")
            missing = {json.dumps(e, sort_keys=True) for e in whole} - {json.dumps(json.loads(l), sort_keys=True) for l in after}
            assert not missing, (sorted(missing), len(after), len(whole))
        finally:
            slow.terminate()
            slow.wait(10)
        print(f"ok killed mid-closure ({len(before)} edges committed) and resumed: every edge of an uninterrupted run, each once")
        checks += 1

        piped = subprocess.run([harvest, "collect", "--source", "pypi", "--base-url", base, "--ids", "-", "--follow-deps", "--out", "-",
                                "--progress", "never"], input="celery\n", capture_output=True, text=True, timeout=120)
        assert piped.returncode == 0 and len(piped.stdout.splitlines()) >= 4, piped.stderr
        assert "the edges table is written only into a dataset directory" in piped.stderr, piped.stderr
        print("ok --out -: the records on stdout, and a warning that the edges need a dataset directory")
        checks += 1
finally:
    server.terminate()
    server.wait(10)
print(f"closure check: {checks} passed, 0 failed")
