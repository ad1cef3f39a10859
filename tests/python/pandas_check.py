#!/usr/bin/python3
"""Loads harvest's outputs the way users do, with pandas.read_json(lines=True), for every
format and compression, against a fixture server this script starts (and stops by PID).

Usage: pandas_check.py HARVEST_EXE FIXTURE_SERVER_EXE"""
import json, os, subprocess, sys, tempfile

import pandas as pd

harvest, server_exe = sys.argv[1], sys.argv[2]
sparql_url = open(sys.argv[3]).read().strip()  # the shared Virtuoso ctest started
server = subprocess.Popen([server_exe, "--port", "0", "--print-port"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
try:
    base = f"http://127.0.0.1:{int(server.stdout.readline())}"
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("raw", "text", "chat"):
            for ext in (".jsonl", ".jsonl.gz", ".jsonl.zst"):
                out = os.path.join(tmp, f"{fmt}{ext}")
                run = subprocess.run([harvest, "collect", "--source", "glytoucan", "--target", "40", "--format", fmt,
                                      "--base-url", base, "--sparql-url", sparql_url, "--out", out], capture_output=True, text=True, timeout=60)
                assert run.returncode == 0, run.stderr
                df = pd.read_json(out, lines=True)  # compression inferred from the extension
                assert len(df) == 40, (out, len(df))
                assert df["id"].is_unique, out
                expected = {"raw": "record", "text": "text", "chat": "messages"}[fmt]
                assert expected in df.columns, (out, list(df.columns))
                if fmt == "raw":
                    assert all(isinstance(r, dict) and r["accession"] == i for r, i in zip(df["record"], df["id"])), out
                if fmt == "chat":
                    assert all(m["role"] in ("user", "assistant") for msgs in df["messages"] for m in msgs), out
                manifest = json.load(open(os.path.join(tmp, "manifest.json")))
                assert manifest["records"] == 40 and manifest["files"][0]["path"] == os.path.basename(out), manifest
                print(f"ok {fmt}{ext}: {len(df)} rows, columns {sorted(df.columns)}")
finally:
    server.terminate()
    server.wait(10)
print("pandas check: 9 passed, 0 failed")
