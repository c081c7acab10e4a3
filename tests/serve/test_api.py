#!/usr/bin/python3
"""The JSON API of `innosim serve` on the shipped plan, over HTTP.

    /usr/bin/python3 tests/serve/test_api.py

Refused lever values get the messages `innosim validate` prints for the same
what-if; malformed requests, oversized bodies and draw counts out of bounds
are refused; a session's newer request cancels its older run and only its
own; results equal `innosim run` with the same seed and draws; saved
what-ifs validate; files are written only into the output folder.
The binary is $INNOSIM_BINARY (ctest sets it), else the newest build/*/bin/innosim.
"""

import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve_helpers import Server, find_binary, innosim_json  # noqa: E402

QUICK = 1000
MAX = 20000


class ApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.binary = find_binary()
        cls.tmp = Path(tempfile.mkdtemp(prefix="innosim-serve-api-"))
        cls.cwd = cls.tmp / "cwd"
        cls.cwd.mkdir()
        cls.out = cls.tmp / "out"
        # No scenario argument: the shipped plan, found beside the program.
        cls.server = Server(cls.binary, ["--output-dir", str(cls.out), "--quick-draws", str(QUICK),
                                         "--max-draws", str(MAX), "--threads", "2"], cls.cwd)
        status, cls.scenario, _ = cls.server.request("GET", "api/scenario")
        assert status == 200, cls.scenario
        cls.levers = {l["id"]: l for l in cls.scenario["levers"]}

    @classmethod
    def tearDownClass(cls):
        code, err = cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        assert code == 0, f"innosim serve exited {code}: {err}"

    def lever_of_unit(self, unit):
        """A zone-wide lever in `unit` (the first such in the scenario)."""
        for l in self.scenario["levers"]:
            if l["unit"] == unit and not l["per_region"]:
                return l
        self.fail(f"the plan has no zone-wide lever in {unit}")

    def table(self, answer):
        return {(t["indicator"], t["region"], t["year"]): t for t in answer["table"]["targets"]}

    # ------------------------------------------------------------------ scenario

    def test_scenario_is_the_shipped_plan_with_its_levers_grouped(self):
        s = self.scenario
        self.assertTrue(s["file"].endswith("scenarios/plan-2016-2020.toml"), s["file"])
        self.assertEqual(s["draws"], {"quick": QUICK, "full": 10000, "max": MAX})
        groups = [g["id"] for g in s["groups"]]
        self.assertEqual(groups[:4], ["money", "tax", "programmes", "platforms"])
        regions = [r["id"] for r in s["regions"]]
        for l in s["levers"]:
            self.assertIn(l["group"], groups)
            self.assertTrue(l["name_zh"] and l["name_en"], l["id"])
            paths = [c["path"] for c in l["controls"]]
            self.assertEqual(paths, regions if l["per_region"] else ["zone"], l["id"])
        self.assertEqual(self.levers["fiscal_rd_zone"]["group"], "money")
        self.assertEqual(self.levers["fiscal_rd_zone"]["unit"], "yuan")
        self.assertGreater(self.levers["fiscal_rd_zone"]["controls"][0]["plan"], 0)
        self.assertTrue(any(t["kind"] == "binding" for t in s["targets"]))

    # ------------------------------------------------------------------ runs

    def test_plan_run_equals_innosim_run_with_the_same_seed_and_draws(self):
        status, answer, _ = self.server.run({}, draws=QUICK)
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer["name"], "plan-2016-2020")
        self.assertFalse(answer["changed"])
        self.assertEqual(answer["table"], answer["plan"]["table"])
        cli = innosim_json(self.binary, "run", self.scenario["file"], "-n", str(QUICK), "-q", "-o",
                           str(self.tmp / "plan.h5"))
        self.assertEqual(len(cli["targets"]), len(answer["table"]["targets"]))
        for a, b in zip(cli["targets"], answer["table"]["targets"]):
            for k in ("indicator", "region", "year", "p_met", "median", "q05", "q95", "verdict"):
                self.assertEqual(a[k], b[k], (a["indicator"], k))
        fan = answer["fan"]
        self.assertEqual(fan["years"], self.scenario["report_years"])
        self.assertEqual(set(fan["zone"]), {i["id"] for i in self.scenario["indicators"]})

    def test_more_fiscal_rd_money_raises_p_met_of_rd_intensity_and_is_cached(self):
        setting = {"fiscal_rd_zone": {"zone": 5.0e9}}  # 50 x 100 million yuan a year
        status, answer, _ = self.server.run(setting, session="more-money")
        self.assertEqual(status, 200, answer)
        self.assertTrue(answer["changed"])
        key = ("rd_intensity", "zone", 2020)
        self.assertGreater(self.table(answer)[key]["p_met"], self.table(answer["plan"])[key]["p_met"])
        self.assertGreater(self.table(answer)[key]["median"], self.table(answer["plan"])[key]["median"])
        status, again, _ = self.server.run(setting, session="more-money")
        self.assertEqual(status, 200)
        self.assertTrue(again["cached"])
        self.assertEqual(again["table"]["targets"], answer["table"]["targets"])

    def test_refused_values_get_the_messages_of_innosim_validate(self):
        cases = [
            (self.lever_of_unit("yuan")["id"], -1.0e8),
            (self.lever_of_unit("share")["id"], 1.5),
            (self.lever_of_unit("switch")["id"], 0.5),
            (self.lever_of_unit("count")["id"], -3),
            # A share of the money that breaks the sum the model checks (a model-level problem).
            (next(l["id"] for l in self.scenario["levers"]
                  if l["group"] == "money" and l["unit"] == "share" and not l["per_region"]), 0.99),
        ]
        folder = self.tmp / "refused"
        folder.mkdir(exist_ok=True)
        for lever, value in cases:
            with self.subTest(lever=lever, value=value):
                status, answer, _ = self.server.run({lever: {"zone": value}}, session="refused")
                self.assertEqual(status, 422, answer)
                self.assertEqual(answer["error"], "invalid")
                texts = [p["text"] for p in answer["problems"]]
                self.assertTrue(texts)
                # The same what-if, saved by hand and checked by `innosim validate`.
                w = answer["whatif"]
                (folder / (w["name"] + ".toml")).write_text(w["toml"])
                p = subprocess.run([self.binary, "validate", w["name"] + ".toml"], cwd=folder, capture_output=True,
                                   text=True)
                self.assertEqual(p.returncode, 2, p.stderr)
                lines = p.stderr.strip().splitlines()
                self.assertRegex(lines[-1], r"problems? found; nothing was computed")
                self.assertEqual(lines[:-1], texts)
                self.assertTrue(all(": levers." in t for t in texts), texts)
                # Saving and downloading are refused the same way.
                status, saved, _ = self.server.request("POST", "api/save", {"levers": {lever: {"zone": value}}})
                self.assertEqual((status, [q["text"] for q in saved["problems"]]), (422, texts))
                status, _, _ = self.server.request("POST", "api/runfile", {"levers": {lever: {"zone": value}}})
                self.assertEqual(status, 422)

    def test_malformed_requests_are_refused_with_the_place(self):
        def refused(body=None, raw=None, headers=None, contains=""):
            status, answer, _ = self.server.request("POST", "api/run", body, raw=raw, headers=headers)
            self.assertEqual(status, 400, (body, raw, answer))
            self.assertEqual(answer["error"], "bad_request")
            self.assertIn(contains, answer["message"])

        refused({"levers": {"fiscal_rd_zon": {"zone": 1}}}, contains="did you mean 'fiscal_rd_zone'")
        region = self.scenario["regions"][0]["id"]
        per_region = next(l["id"] for l in self.scenario["levers"] if l["per_region"])
        refused({"levers": {"fiscal_rd_zone": {region: 1}}}, contains=f"levers.fiscal_rd_zone.{region}")
        refused({"levers": {per_region: {"zone": 1}}}, contains="one path per region")
        refused({"levers": {"fiscal_rd_zone": {"zone": "a lot"}}}, contains="expected a number")
        refused({"levers": {"fiscal_rd_zone": 3}}, contains="levers.fiscal_rd_zone")
        refused({"levers": []}, contains="levers")
        for draws in (0, -1, MAX + 1, 2.5, "4000", None):
            refused({"levers": {}, "draws": draws}, contains="draws")
        refused({"session": "a b/c"}, contains="session")
        refused({"session": "x" * 65}, contains="session")
        refused({"seq": -1}, contains="seq")
        refused(raw=b"{not json", contains="not valid JSON")
        refused(raw=b"[1, 2]", contains="expected a JSON object")
        refused(raw=b"{}", headers={"Content-Type": "text/plain"}, contains="application/json")

    def test_oversized_bodies_are_refused(self):
        body = json.dumps({"levers": {}, "pad": "x" * (100 * 1024)}).encode()
        status, answer, _ = self.server.request("POST", "api/run", raw=body)
        self.assertEqual(status, 413)
        self.assertEqual(answer["error"], "too_large")
        status, _, _ = self.server.request("POST", "api/save", raw=body)
        self.assertEqual(status, 413)

    def test_a_newer_request_cancels_the_older_run_of_its_session_only(self):
        plan = self.levers["fiscal_rd_zone"]["controls"][0]["plan"]
        answers = {}

        def ask(name, **fields):
            t0 = time.monotonic()
            answers[name] = (*self.server.run(**fields)[:2], time.monotonic() - t0)

        # Two sessions start long runs; the first session then asks again.
        slow_a = threading.Thread(target=ask, args=("a1",), kwargs=dict(
            levers={"fiscal_rd_zone": {"zone": plan * 3}}, draws=MAX, session="user-a", seq=1))
        slow_b = threading.Thread(target=ask, args=("b1",), kwargs=dict(
            levers={"fiscal_rd_zone": {"zone": plan * 7}}, draws=MAX, session="user-b", seq=1))
        slow_a.start()
        slow_b.start()
        time.sleep(0.3)
        ask("a2", levers={"fiscal_rd_zone": {"zone": plan * 4}}, draws=QUICK, session="user-a", seq=2)
        slow_a.join()
        slow_b.join()
        self.assertEqual(answers["a2"][0], 200, answers["a2"][1])
        self.assertEqual(answers["a1"][0], 409, answers["a1"][1])
        self.assertEqual(answers["a1"][1]["error"], "cancelled")
        self.assertEqual(answers["b1"][0], 200, answers["b1"][1])  # another user's run is not touched
        self.assertEqual(answers["b1"][1]["draws"], MAX)
        # The cancelled setting was not cached: asked again, it runs.
        status, again, _ = self.server.run({"fiscal_rd_zone": {"zone": plan * 3}}, draws=MAX, session="user-a",
                                           seq=3)
        self.assertEqual(status, 200)
        self.assertFalse(again["cached"])
        # An older request than one already answered is refused.
        status, late, _ = self.server.run({}, session="user-a", seq=2)
        self.assertEqual((status, late["error"]), (409, "cancelled"))

    def test_sessions_see_only_their_own_setting(self):
        plan = self.levers["fiscal_rd_zone"]["controls"][0]["plan"]
        _, a, _ = self.server.run({"fiscal_rd_zone": {"zone": plan * 2}}, session="page-1")
        _, b, _ = self.server.run({}, session="page-2")
        _, a2, _ = self.server.run({"fiscal_rd_zone": {"zone": plan * 2}}, session="page-1")
        self.assertNotEqual(a["name"], b["name"])
        self.assertEqual(b["name"], "plan-2016-2020")
        self.assertEqual(a2["name"], a["name"])

    # ------------------------------------------------------------------ files

    def test_save_writes_a_whatif_that_validates_and_runs_to_the_same_numbers(self):
        plan = self.levers["fiscal_rd_zone"]["controls"][0]["plan"]
        setting = {"fiscal_rd_zone": {"zone": plan * 2.5}}
        status, saved, _ = self.server.request("POST", "api/save", {"levers": setting})
        self.assertEqual(status, 200, saved)
        path = Path(saved["path"])
        self.assertEqual(path.parent, self.out.resolve())
        self.assertEqual(path.read_text(), saved["toml"])
        self.assertEqual(re.findall(r"^\[levers\.[^\]]*\]", saved["toml"], re.M), ["[levers.fiscal_rd_zone]"])
        self.assertIn(f'extends = "{self.scenario["file"]}"', saved["toml"])
        p = subprocess.run([self.binary, "validate", str(path)], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        cli = innosim_json(self.binary, "run", str(path), "-n", str(QUICK), "-q", "-o", str(self.tmp / "saved.h5"))
        _, page, _ = self.server.run(setting, draws=QUICK)
        self.assertEqual(page["name"], saved["name"])
        for a, b in zip(cli["targets"], page["table"]["targets"]):
            self.assertEqual((a["indicator"], a["p_met"], a["median"]), (b["indicator"], b["p_met"], b["median"]))
        status, body, headers = self.server.request("GET", saved["url"])
        self.assertEqual(status, 200)
        self.assertEqual(body.decode(), saved["toml"])
        self.assertIn("attachment", headers["Content-Disposition"])
        # Nothing changed: nothing to save.
        status, nothing, _ = self.server.request("POST", "api/save", {"levers": {}})
        self.assertEqual((status, nothing["error"]), (400, "bad_request"))

    def test_run_file_is_the_normal_run_file_of_the_setting(self):
        plan = self.levers["fiscal_rd_zone"]["controls"][0]["plan"]
        setting = {"fiscal_rd_zone": {"zone": plan * 1.5}}
        status, made, _ = self.server.request("POST", "api/runfile", {"levers": setting, "draws": QUICK})
        self.assertEqual(status, 200, made)
        path = Path(made["path"])
        self.assertEqual(path.parent, self.out.resolve())
        status, body, headers = self.server.request("GET", made["url"])
        self.assertEqual(status, 200)
        self.assertEqual(body, path.read_bytes())
        self.assertTrue(body.startswith(b"\x89HDF\r\n\x1a\n"))
        checked = innosim_json(self.binary, "check", str(path))
        _, page, _ = self.server.run(setting, draws=QUICK)
        for a, b in zip(checked["targets"], page["table"]["targets"]):
            self.assertEqual((a["indicator"], a["p_met"]), (b["indicator"], b["p_met"]))

    def test_only_files_this_server_wrote_are_served(self):
        for path in ("files/nothing.h5", "files/..%2F..%2Fetc%2Fpasswd", "files/../../etc/passwd",
                     "no-such-page", "api/nothing"):
            status, _, _ = self.server.request("GET", path)
            self.assertEqual(status, 404, path)

    def test_requests_for_another_host_name_are_refused(self):
        status, answer, _ = self.server.request("GET", "api/scenario", headers={"Host": "attacker.example"})
        self.assertEqual((status, answer["error"]), (403, "forbidden"))
        status, _, _ = self.server.request("GET", "api/scenario", headers={"Host": f"localhost:{self.server.port}"})
        self.assertEqual(status, 200)

    def test_zz_nothing_is_written_outside_the_output_folder(self):  # runs last (alphabetical order)
        self.assertEqual(list(self.cwd.iterdir()), [])
        for f in self.out.iterdir():
            self.assertRegex(f.name, r"^plan-2016-2020-whatif-[0-9a-f]{16}(\.toml|-n\d+\.h5)$")


class CommandLineTest(unittest.TestCase):
    """What `innosim serve` does before it serves: bad input exits 2, a taken port 1."""

    def serve(self, *args):
        return subprocess.run([find_binary(), "serve", *args], capture_output=True, text=True, timeout=120)

    def test_a_bad_scenario_is_refused_with_its_problems(self):
        bad = Path(__file__).resolve().parents[1] / "data" / "e2e" / "bad.toml"
        p = self.serve(str(bad), "--port", "0")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertRegex(p.stderr, r"bad\.toml:\d+:\d+: ")
        self.assertEqual(p.stdout, "")

    def test_more_quick_draws_than_allowed_is_refused(self):
        p = self.serve("--port", "0", "--quick-draws", "5000", "--max-draws", "4000")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--quick-draws 5000 is more than --max-draws 4000", p.stderr)

    def test_a_port_in_use_is_an_error_naming_it(self):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            with tempfile.TemporaryDirectory() as out:
                p = self.serve("--port", str(port), "--output-dir", out)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn(f"cannot listen on 127.0.0.1 port {port}", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
