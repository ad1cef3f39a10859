"""A real Virtuoso for the benchmarks (tools/virtuoso: Debian's virtuoso-opensource-7, its shipped
SPARQL limits), loaded with tools/make-glycan-rdf's Turtle, started and stopped by its PID."""
import os, subprocess, tempfile, time

from engine import ROOT


class Virtuoso:
    def __init__(self, synthesize=None):
        """synthesize=None: an empty database; 0: data/rdf/glytoucan; N: it plus N synthesized
        glycans named as harvest-fixture-server --synthesize N names them."""
        self.dir = tempfile.mkdtemp(prefix="harvest-bench-virtuoso-")
        args = []
        if synthesize == 0:
            args = ["--graphs", os.path.join(ROOT, "data", "rdf", "glytoucan")]
        elif synthesize:
            rdf = os.path.join(self.dir, "rdf")
            subprocess.run([os.path.join(ROOT, "tools", "make-glycan-rdf"), "--synthesize", str(synthesize), "--out", rdf], check=True,
                           stderr=subprocess.DEVNULL)
            args = ["--graphs", rdf]
        started = time.monotonic()
        out = subprocess.run([os.path.join(ROOT, "tools", "virtuoso"), "start", os.path.join(self.dir, "db"), *args], check=True,
                             stdout=subprocess.PIPE, text=True).stdout
        self.load_seconds = time.monotonic() - started
        self.endpoint = out.split()[0]

    def close(self):
        subprocess.run([os.path.join(ROOT, "tools", "virtuoso"), "stop", os.path.join(self.dir, "db")], check=True)
        subprocess.run(["rm", "-rf", self.dir], check=True)
