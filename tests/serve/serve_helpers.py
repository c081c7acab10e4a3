"""Starting and stopping `innosim serve` for the API and browser tests."""

import glob
import json
import os
import re
import signal
import subprocess
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def find_binary() -> str:
    b = os.environ.get("INNOSIM_BINARY")
    if b:
        return b
    found = sorted(glob.glob(str(ROOT / "build" / "*" / "bin" / "innosim")), key=os.path.getmtime)
    if not found:
        raise SystemExit("no innosim binary: build it or set INNOSIM_BINARY")
    return found[-1]


class Server:
    """`innosim serve ARGS --port 0`, started in `cwd`; url is read from its first lines."""

    def __init__(self, binary, args, cwd):
        self.err = tempfile.TemporaryFile(mode="w+")  # one line per run: not a pipe that could fill up
        self.proc = subprocess.Popen([binary, "serve", *args, "--port", "0"], cwd=cwd, stdout=subprocess.PIPE,
                                     stderr=self.err, text=True)
        self.lines = []
        for line in self.proc.stdout:
            self.lines.append(line)
            m = re.search(r"(http://127\.0\.0\.1:(\d+)/)", line)
            if m:
                self.url, self.port = m.group(1), int(m.group(2))
                break
        else:
            raise RuntimeError("innosim serve did not print its URL: " + "".join(self.lines) + self.stderr())
        for line in self.proc.stdout:  # the output folder and the Ctrl-C line
            self.lines.append(line)
            if "Ctrl-C" in line:
                break
        m = re.search(r"output folder: (.+)", "".join(self.lines))
        self.output_dir = Path(m.group(1).strip())

    def stderr(self):
        self.err.seek(0)
        return self.err.read()

    def stop(self):
        """Ctrl-C; returns the exit code and stderr."""
        self.proc.send_signal(signal.SIGINT)
        self.proc.communicate(timeout=30)
        return self.proc.returncode, self.stderr()

    def request(self, method, path, body=None, headers=None, raw=None, timeout=120):
        """(status, parsed JSON or bytes, response headers)."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        h = {"Content-Type": "application/json"} if data is not None else {}
        h.update(headers or {})
        req = urllib.request.Request(self.url + path.lstrip("/"), data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                status, payload, rh = r.status, r.read(), r.headers
        except urllib.error.HTTPError as e:
            status, payload, rh = e.code, e.read(), e.headers
        if (rh.get("Content-Type") or "").startswith("application/json"):
            payload = json.loads(payload)
        return status, payload, rh

    def run(self, levers=None, **fields):
        return self.request("POST", "api/run", {"levers": levers or {}, **fields})


def innosim_json(binary, *args, cwd=None):
    """`innosim ARGS --format json` parsed; raises on a non-zero exit."""
    p = subprocess.run([binary, *args, "--format", "json"], cwd=cwd, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise AssertionError(f"innosim {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return json.loads(p.stdout)
