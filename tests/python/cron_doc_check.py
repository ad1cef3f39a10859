#!/usr/bin/python3
"""Runs the commands of docs/cron.md as written (configuration file, first run, the crontab
line, the systemd ExecStart, the export), against a fixture server this script starts and
stops by PID, with every absolute path moved under a temporary directory and the TOML file
pointed at the fixture server. Fails if any command fails or its result is not what the
document says.

Usage: cron_doc_check.py DOCS_CRON_MD HARVEST_EXE FIXTURE_SERVER_EXE"""
import configparser, json, os, re, subprocess, sys, tempfile, urllib.request

doc_path, harvest, server_exe = sys.argv[1:4]
doc = open(doc_path, encoding="utf-8").read()


def blocks(lang):
    return re.findall(r"```" + lang + r"\n(.*?)```", doc, flags=re.S)


def relocate(text, root):
    for prefix in ("/etc/harvest", "/srv/harvest", "/var/lib/node_exporter", "/var/log/harvest"):
        text = text.replace(prefix, root + prefix)
    return text.replace("/usr/local/bin/harvest", harvest)


def run(command, root, expect=(0,)):
    env = dict(os.environ, PATH=os.path.dirname(harvest) + os.pathsep + os.environ["PATH"])
    done = subprocess.run(["sh", "-c", relocate(command, root)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode in expect, f"{command!r} exited {done.returncode}: {done.stderr[-2000:]}"
    return done


def manifest(root):
    return json.load(open(root + "/srv/harvest/pypi/manifest.json"))


server = subprocess.Popen([server_exe, "--port", "0", "--print-port", "--synthesize", "50"], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True)
try:
    base = f"http://127.0.0.1:{int(server.stdout.readline())}"
    with tempfile.TemporaryDirectory() as root:
        # 1. The configuration file, pointed at the fixture server.
        (toml,) = blocks("toml")
        os.makedirs(root + "/etc/harvest")
        with open(root + "/etc/harvest/pypi.toml", "w") as f:
            f.write(relocate(toml, root) + f'base-url = "{base}"\n')

        # 2. The first, full harvest: every command of the block.
        first_block = next(b for b in blocks("sh") if "--config /etc/harvest/pypi.toml" in b and "harvest export" not in b)
        for line in first_block.strip().splitlines():
            run(line, root)
        first = manifest(root)
        assert first["finish_reason"] == "complete" and first["records"] > 50, first
        total = first["records"]
        metrics = open(root + "/var/lib/node_exporter/textfile/harvest_pypi.prom").read()
        assert f'harvest_records_written{{source="pypi"}} {total}\n' in metrics, metrics
        print(f"ok first run: {total} records, metrics written")

        # 3a. The crontab line's command, after three projects changed upstream.
        (crontab,) = blocks("crontab")
        entry = next(l for l in crontab.splitlines() if l.strip() and not l.lstrip().startswith("#"))
        fields = entry.split(None, 5)
        assert len(fields) == 6 and all(re.fullmatch(r"[\d*/,-]+", f) for f in fields[:5]), entry
        os.makedirs(root + "/var/log/harvest")
        index = urllib.request.Request(base + "/simple/", headers={"Accept": "application/vnd.pypi.simple.v1+json"})
        names = [p["name"] for p in json.load(urllib.request.urlopen(index))["projects"]][::20][:3]
        bump = urllib.request.Request(base + "/_fixture/bump?" + "&".join("project=" + n for n in names), method="POST")
        assert urllib.request.urlopen(bump).status == 200
        run(fields[5], root)
        second = manifest(root)
        assert second["runs"][-1]["mode"] == "incremental" and second["runs"][-1]["records"] == 3, second["runs"]
        assert second["runs"][-1]["unchanged"] == total - 3, second["runs"]
        log = open(root + "/var/log/harvest/pypi.log").read()
        assert "harvest collect: complete" in log, log
        print("ok crontab command: 3 changed records fetched, the rest unchanged")

        # 3b. The systemd unit files, and the service's ExecStart.
        service_text, timer_text = blocks("ini")
        service, timer = configparser.ConfigParser(), configparser.ConfigParser()
        service.read_string(service_text)
        timer.read_string(timer_text)
        assert service["Service"]["Type"] == "oneshot" and timer["Install"]["WantedBy"] == "timers.target"
        success = {0} | {int(s) for s in service["Service"]["SuccessExitStatus"].split()}
        run(service["Service"]["ExecStart"], root, expect=tuple(success))
        third = manifest(root)
        assert third["runs"][-1]["records"] == 0 and len(third["runs"]) == 3, third["runs"]
        print("ok systemd ExecStart: nothing changed, nothing written")

        # 4. The snapshot: every record once.
        export_line = next(l for b in blocks("sh") for l in b.splitlines() if "harvest export" in l)
        run(export_line, root)
        snapshot = root + "/srv/harvest/pypi-latest/pypi-latest.jsonl.zst"
        lines = subprocess.run([sys.executable, "-c", "import sys, zstandard; sys.stdout.buffer.write(zstandard.ZstdDecompressor()"
                                ".stream_reader(open(sys.argv[1], 'rb')).read())", snapshot], capture_output=True, check=True).stdout.splitlines()
        ids = [json.loads(l)["id"] for l in lines]
        assert len(ids) == total and len(set(ids)) == total, (len(ids), total)
        print(f"ok export --latest: {total} records, each once")
finally:
    server.terminate()
    server.wait(10)
print("cron doc check: 4 passed, 0 failed")
