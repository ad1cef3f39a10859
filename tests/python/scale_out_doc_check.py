#!/usr/bin/python3
"""Runs docs/scale-out.md as written: its Kubernetes YAML must parse and name the fields an
Indexed Job needs, and its harvest commands run as 4 processes with the variables Kubernetes
(JOB_COMPLETION_INDEX) and Slurm (SLURM_ARRAY_TASK_*) set, against a fixture server this script
starts and stops by PID, with --base-url (and --summary, to count requests) added and /data,
/scratch moved under a temporary directory. In each run one shard is killed with SIGKILL mid-run
and run again with the same command; then the export command must give a snapshot equal to a
single-process harvest of the same selection, every id once, and each shard must have sent
about 1/4 of the requests. An incomplete shard set must be exit 2.

Usage: scale_out_doc_check.py DOCS_SCALE_OUT_MD HARVEST_EXE FIXTURE_SERVER_EXE"""
import json, os, re, shlex, signal, subprocess, sys, tempfile, time

import yaml

doc_path, harvest, server_exe = sys.argv[1:4]
doc = open(doc_path, encoding="utf-8").read()
N = 4
checks = 0


def blocks(lang):
    return re.findall(r"```" + lang + r"\n(.*?)```", doc, flags=re.S)


def relocate(args, root):
    out = []
    for a in args:
        for prefix in ("/data", "/scratch"):
            if a.startswith(prefix):
                a = root + a
        out.append(harvest if a == "harvest" else a)
    return out


def lines_of(path):
    import zstandard
    with open(path, "rb") as f:
        return zstandard.ZstdDecompressor().stream_reader(f).read().decode().splitlines()


jobs = [d for b in blocks("yaml") for d in yaml.safe_load_all(b)]
harvest_job = next(j for j in jobs if j["metadata"]["name"] == "harvest-pypi")
export_job = next(j for j in jobs if j["metadata"]["name"] == "harvest-pypi-export")
spec = harvest_job["spec"]
assert harvest_job["kind"] == "Job" and spec["completionMode"] == "Indexed" and spec["completions"] == N and spec["parallelism"] == N, spec
container = spec["template"]["spec"]["containers"][0]
k8s_collect = container["command"]
assert k8s_collect[:2] == ["harvest", "collect"] and k8s_collect[k8s_collect.index("--shards") + 1] == str(N) and "--resume" in k8s_collect
assert container["volumeMounts"][0]["mountPath"] == "/data" and spec["template"]["spec"]["volumes"][0]["persistentVolumeClaim"]
k8s_export = export_job["spec"]["template"]["spec"]["containers"][0]["command"]
assert k8s_export[:2] == ["harvest", "export"]
print("ok the Kubernetes YAML: an Indexed Job of 4, a volume, --shards 4, the export as a follow-up Job")
checks += 1

sbatch = next(b for b in blocks("sh") if "#SBATCH --array=0-3" in b)
slurm_collect = shlex.split(next(l for l in sbatch.splitlines() if l.startswith("harvest collect")))
slurm_export = shlex.split(next(l for b in blocks("sh") for l in b.splitlines() if l.startswith("harvest export")))
assert any("--dependency=afterany:" in l for b in blocks("sh") for l in b.splitlines()), "the export must wait for the array"

server = subprocess.Popen([server_exe, "--port", "0", "--print-port", "--synthesize", "800", "--latency-ms", "80"], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True)
try:
    base = f"http://127.0.0.1:{int(server.stdout.readline())}"
    with tempfile.TemporaryDirectory() as root:
        def shard_env(kind, k):
            env = dict(os.environ)
            for v in ("JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_COUNT"):
                env.pop(v, None)
            if kind == "kubernetes":
                env["JOB_COMPLETION_INDEX"] = str(k)
            else:  # as Slurm sets them for --array=0-3
                env.update(SLURM_ARRAY_TASK_ID=str(k), SLURM_ARRAY_TASK_MIN="0", SLURM_ARRAY_TASK_COUNT=str(N))
            return env

        def array(kind, collect, export, out_root):
            os.makedirs(out_root + "/pypi")
            collect = relocate(collect, root + "/" + kind) + ["--base-url", base, "--progress", "never", "--workers", "8"]
            procs = [subprocess.Popen(collect + ["--summary", f"{root}/{kind}-{k}.json"], env=shard_env(kind, k), stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, text=True) for k in range(N)]
            time.sleep(0.8)
            procs[2].send_signal(signal.SIGKILL)  # a pod evicted, a task preempted
            for k, p in enumerate(procs):
                p.wait(120)
                assert k == 2 or p.returncode == 0, (kind, k, p.stderr.read())
            assert procs[2].returncode == -signal.SIGKILL, "shard 2 finished before it was killed: nothing was resumed"
            again = subprocess.run(collect + ["--summary", f"{root}/{kind}-2.json"], env=shard_env(kind, 2), capture_output=True, text=True, timeout=120)
            assert again.returncode == 0, again.stderr
            # An incomplete set is refused before the export is run on the complete one.
            shard3 = f"{out_root}/pypi/pypi-shard-3-of-4"
            os.rename(shard3, out_root + "/shard-3-away")
            refused = subprocess.run(relocate(export, root + "/" + kind), capture_output=True, text=True)
            assert refused.returncode == 2 and "lacks shard(s) 3" in refused.stderr, refused.stderr
            os.rename(out_root + "/shard-3-away", shard3)
            for _ in range(2):  # the export again (as a nightly job would) replaces its snapshot
                done = subprocess.run(relocate(export, root + "/" + kind), capture_output=True, text=True)
                assert done.returncode == 0, done.stderr
            requests = [json.load(open(f"{root}/{kind}-{k}.json"))["requests"] for k in range(N) if k != 2]
            latest = [json.loads(l)["id"] for l in lines_of(f"{out_root}/pypi-latest/pypi-latest.jsonl.zst")]
            return latest, requests

        single_out = root + "/single/pypi.jsonl.zst"
        os.makedirs(root + "/single")
        single = subprocess.run([harvest, "collect", "--source", "pypi", "--base-url", base, "--out", single_out, "--progress", "never"],
                                capture_output=True, text=True, timeout=120)
        assert single.returncode == 0, single.stderr
        expected = sorted(json.loads(l)["id"] for l in lines_of(root + "/single/pypi/pypi.jsonl.zst"))

        for kind, collect, export in (("kubernetes", k8s_collect, k8s_export), ("slurm", slurm_collect, slurm_export)):
            out_root = root + "/" + kind + ("/data" if kind == "kubernetes" else "/scratch/harvest")
            latest, requests = array(kind, collect, export, out_root)
            assert len(latest) == len(set(latest)), f"{kind}: an id twice"
            assert sorted(latest) == expected, f"{kind}: {len(latest)} ids, the single process wrote {len(expected)}"
            share = len(expected) / N
            for r in requests:  # the listing, then about a quarter of the records
                assert 0.75 * share < r < 1.25 * share + 1, (kind, r, share)
            print(f"ok {kind}: 4 shards (one killed and run again) exported to {len(latest)} ids, each once, equal to one process; "
                  f"requests per shard {requests} of {len(expected)} records")
            checks += 1
finally:
    server.terminate()
    server.wait(10)
print(f"scale-out doc check: {checks} passed, 0 failed")
