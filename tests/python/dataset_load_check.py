#!/usr/bin/python3
"""Loads harvest's datasets the way users do, against a fixture server this script starts (and
stops by PID) and the shared Virtuoso ctest started:

- with pandas: `pandas.read_json(f, lines=True)` over `glob(DIR/*.jsonl*)`;
- with a loader that resolves the dataset card's YAML `configs` -> `data_files` the way the
  Hugging Face datasets library documents it (the library cannot be installed here): per split,
  each `path` (a string or a list) is a pattern relative to the dataset directory, expanded with
  glob; a data file's format follows its extension (.jsonl, .jsonl.gz, .jsonl.zst).

for every layout (one file, shards, splits, shards of splits, a dataset of two runs) and every
compression and format. Each must read exactly the records the manifest counts, per split, with
every line's id where the manifest's runs put it, and nothing else (no manifest, card, state,
lock, failures or per-target log). Then two datasets in one parent directory: both manifests,
failures and cards stay intact when the other runs.

Usage: dataset_load_check.py HARVEST_EXE FIXTURE_SERVER_EXE SPARQL_ENDPOINT_FILE"""
import fnmatch, glob, json, os, subprocess, sys, tempfile

import pandas as pd
import yaml

harvest, server_exe = sys.argv[1], sys.argv[2]
sparql_url = open(sys.argv[3]).read().strip()
checks = 0


def collect(base, out, *flags, source="glytoucan", expect=0, stdin=None):
    args = [harvest, "collect", "--source", source, "--base-url", base, "--out", out, "--progress", "never", *flags]
    if source == "glytoucan":
        args += ["--sparql-url", sparql_url]
    run = subprocess.run(args, capture_output=True, text=True, timeout=120, input=stdin)
    assert run.returncode == expect, (args, run.returncode, run.stderr)
    return run


def card_data_files(directory):
    """{split: [files]} from README.md's YAML header, as the datasets library resolves it."""
    text = open(os.path.join(directory, "README.md"), encoding="utf-8").read()
    assert text.startswith("---\n"), "the card has no YAML header"
    header = yaml.safe_load(text[4:text.index("\n---\n", 4)])
    (config,) = [c for c in header["configs"] if c["config_name"] == "default"]
    resolved = {}
    for entry in config["data_files"]:
        patterns = entry["path"] if isinstance(entry["path"], list) else [entry["path"]]
        files = []
        for pattern in patterns:
            matched = sorted(glob.glob(os.path.join(directory, pattern)))
            assert matched, f"{pattern!r} matches no file in {directory}"
            files += matched
        resolved[entry["split"]] = files
    counts = {s["name"]: s["num_examples"] for s in header["dataset_info"]["splits"]}
    return resolved, counts, header


def read_lines(files):
    frames = [pd.read_json(f, lines=True) for f in files]  # compression from the extension
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def check_dataset(directory, fmt, runs=1):
    global checks
    manifest = json.load(open(os.path.join(directory, "manifest.json")))
    listed = {f["path"] for f in manifest["files"]}
    # Nothing but data, the manifest, the card and .harvest/ (hidden: globs and the datasets library skip it).
    assert set(os.listdir(directory)) == listed | {"manifest.json", "README.md", ".harvest"}, sorted(os.listdir(directory))
    assert os.path.isfile(os.path.join(directory, ".harvest", "state.sqlite"))
    # pandas over a glob of the directory: exactly the data files.
    matched = sorted(glob.glob(os.path.join(directory, "*.jsonl*")))
    assert {os.path.basename(f) for f in matched} == listed, (matched, listed)
    df = read_lines(matched)
    assert len(df) == manifest["records"], (directory, len(df), manifest["records"])
    expected_column = {"raw": "record", "text": "text", "chat": "messages"}[fmt]
    assert expected_column in df.columns, (directory, list(df.columns))
    if runs == 1:
        assert df["id"].is_unique, directory
    # The card's configs: every split exactly as the manifest counts it.
    resolved, counts, header = card_data_files(directory)
    manifest_splits = {("train" if s == "all" else s): n for s, n in manifest["splits"].items()}
    assert counts == manifest_splits, (counts, manifest_splits)
    assert {os.path.basename(f) for files in resolved.values() for f in files} == listed
    for split, files in resolved.items():
        part = read_lines(files)
        assert len(part) == manifest_splits[split], (directory, split, len(part))
        for f in files:
            owner = next(m for m in manifest["files"] if m["path"] == os.path.basename(f))
            assert ("train" if owner["split"] == "all" else owner["split"]) == split, (f, split)
    if fmt != "raw":
        assert [f["name"] for f in header["dataset_info"]["features"]][:2] == ["id", "source"], header
    assert header["license"] and header["pretty_name"] == os.path.basename(directory), header
    checks += 1
    print(f"ok {os.path.basename(directory)}: {len(df)} records in {len(listed)} file(s), splits {counts}")


server = subprocess.Popen([server_exe, "--port", "0", "--print-port"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
try:
    base = f"http://127.0.0.1:{int(server.stdout.readline())}"
    with tempfile.TemporaryDirectory() as tmp:
        layouts = {
            "file": [],
            "shards": ["--shard-size", "15"],
            "splits": ["--split", "train=0.5,val=0.25,test=0.25"],
            "split_shards": ["--split", "train=0.6,test=0.4", "--shard-size", "10"],
        }
        for ext in (".jsonl", ".jsonl.gz", ".jsonl.zst"):
            for layout, flags in layouts.items():
                name = f"{layout}_{ext.replace('.', '')}"
                collect(base, os.path.join(tmp, name + ext), "--target", "40", *flags)
                check_dataset(os.path.join(tmp, name), "raw")
        for fmt in ("text", "chat"):
            collect(base, os.path.join(tmp, f"{fmt}.jsonl.zst"), "--target", "40", "--format", fmt, "--split", "train=0.9,test=0.1")
            check_dataset(os.path.join(tmp, fmt), fmt)
        # Two runs: the second continues in its own file; the card lists both.
        collect(base, os.path.join(tmp, "two_runs.jsonl.gz"), "--target", "20")
        collect(base, os.path.join(tmp, "two_runs.jsonl.gz"), "--target", "40", "--resume")
        check_dataset(os.path.join(tmp, "two_runs"), "raw", runs=2)

        # Two datasets in one parent directory: neither touches the other's files.
        parent = os.path.join(tmp, "parent")
        os.makedirs(parent)
        collect(base, os.path.join(parent, "pypi.jsonl"), "--ids", "-", source="pypi", expect=3, stdin="six\nno-such-project-anywhere\n")
        pypi = os.path.join(parent, "pypi")
        kept = {p: open(os.path.join(pypi, p), "rb").read() for p in ("manifest.json", "README.md", ".harvest/failures.jsonl")}
        assert b"no-such-project-anywhere" in kept[".harvest/failures.jsonl"]
        collect(base, os.path.join(parent, "glycans.jsonl"), "--target", "30")
        collect(base, os.path.join(parent, "glycans.jsonl"), "--incremental")
        for p, content in kept.items():
            assert open(os.path.join(pypi, p), "rb").read() == content, f"{p} of the PyPI dataset changed"
        assert sorted(os.listdir(parent)) == ["glycans", "pypi"], os.listdir(parent)
        assert json.load(open(os.path.join(parent, "glycans", "manifest.json")))["source"] == "glytoucan"
        assert json.load(open(os.path.join(parent, "pypi", "manifest.json")))["source"] == "pypi"
        assert open(os.path.join(parent, "glycans", ".harvest", "failures.jsonl")).read() == ""
        check_dataset(pypi, "raw")
        check_dataset(os.path.join(parent, "glycans"), "raw", runs=2)
        print("ok two datasets in one parent directory: manifests, failures and cards intact")
        checks += 1
finally:
    server.terminate()
    server.wait(10)
print(f"dataset load check: {checks} passed, 0 failed")
