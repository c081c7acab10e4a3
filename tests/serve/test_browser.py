#!/usr/bin/python3
"""The page of `innosim serve` in headless Chromium (Debian's chromium and
chromium-driver, driven by python3-selenium).

    /usr/bin/python3 tests/serve/test_browser.py                       # the test
    /usr/bin/python3 tests/serve/test_browser.py --screenshots docs/img  # also the docs' screenshots

Starts the server on a free localhost port with the shipped plan, loads the
page, raises the fiscal R&D lever, waits for the table to update, and checks
that P(met) of R&D/GDP rose and equals `innosim run` of the saved what-if
with the same seed and draws; that every request the browser made went to
the server (its performance log); that the page logged no error. Prints
(does not assert) the time from a lever change to the updated table and
fan at the page's 4,000 draws (docs/performance.md).

Exits 77 (ctest: skipped) only when chromium or chromedriver is not
installed; tools/setup.sh installs them, so CI runs it. The binary is
$INNOSIM_BINARY (ctest sets it), else the newest build/*/bin/innosim.
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve_helpers import Server, find_binary, innosim_json  # noqa: E402

SKIP = 77
CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None)
if not CHROMIUM or not DRIVER:
    print("skipped: chromium or chromedriver is not installed (tools/setup.sh installs them)")
    sys.exit(SKIP)

from selenium import webdriver  # noqa: E402  (python3-selenium, installed with chromium by tools/setup.sh)
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

LEVER = "fiscal_rd_zone"
TARGET = ("rd_intensity", "zone", "2020")


def browser(profile, width=1500, height=1000):
    o = webdriver.ChromeOptions()
    o.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-default-apps", "--disable-extensions", f"--window-size={width},{height}",
                 f"--user-data-dir={profile}",
                 # Belt and braces: a name other than the server's resolves to nothing.
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        o.add_argument(flag)
    o.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(DRIVER), options=o)


class Page:
    def __init__(self, driver, url):
        self.d = driver
        self.d.get(url)
        self.wait_ready(None)

    def body(self, attr):
        return self.d.find_element(By.TAG_NAME, "body").get_attribute(attr)

    def wait_ready(self, previous_result, timeout=30):
        """Until the page shows a result other than `previous_result`."""
        WebDriverWait(self.d, timeout, poll_frequency=0.02).until(
            lambda d: self.body("data-state") == "ready" and self.body("data-result") not in (None, previous_result))
        return self.body("data-result")

    def row(self, key):
        indicator, region, year = key
        return self.d.find_element(
            By.CSS_SELECTOR, f'#targets tbody tr[data-indicator="{indicator}"][data-region="{region}"][data-year="{year}"]')

    def p_met(self, key=TARGET):
        return float(self.row(key).get_attribute("data-pmet"))

    def all_p_met(self):
        return {(r.get_attribute("data-indicator"), r.get_attribute("data-region"), int(r.get_attribute("data-year"))):
                float(r.get_attribute("data-pmet"))
                for r in self.d.find_elements(By.CSS_SELECTOR, "#targets tbody tr")}

    def set_lever(self, lever, shown):
        """Types `shown` (the control's unit, e.g. 100 million yuan) into the lever's number box."""
        box = self.d.find_element(By.CSS_SELECTOR, f'.lever[data-lever="{lever}"] input.number')
        before = self.body("data-result")
        box.clear()
        box.send_keys(str(shown))
        return self.wait_ready(before)


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--screenshots", help="write serve-zh.png and serve-en.png of the page into this folder")
    args = ap.parse_args()
    binary = find_binary()
    tmp = Path(tempfile.mkdtemp(prefix="innosim-serve-browser-"))
    server = Server(binary, ["--output-dir", str(tmp / "out")], tmp)
    driver = browser(tmp / "profile")
    t0 = time.monotonic()
    try:
        page = Page(driver, server.url)
        check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN", "the page is not Chinese by default")
        check(page.row(TARGET).get_attribute("data-kind") == "binding"
              and driver.find_element(By.CSS_SELECTOR, "#targets tbody tr").get_attribute("data-indicator") == TARGET[0],
              "the binding target is not the first row")
        plan_p = page.p_met()
        draws = int(driver.find_element(By.ID, "targets").get_attribute("data-draws"))
        check(draws == 4000, f"the page runs {draws} draws while levers move, not 4000")

        # Raise the fiscal R&D money from the plan's 2 to 50 (100 million yuan a year).
        page.set_lever(LEVER, 50)
        new_p = page.p_met()
        print(f"P(met) of R&D/GDP 2020: plan {plan_p:.4f}, fiscal R&D 50 x 100 million yuan a year {new_p:.4f}")
        check(new_p > plan_p, f"P(met) of R&D/GDP did not rise: {plan_p} -> {new_p}")
        page_p = page.all_p_met()

        # Save as scenario, and run the saved file with the same seed and draws.
        driver.find_element(By.ID, "save").click()
        saved = WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "saved-path"))[0]
        path = Path(saved.get_attribute("data-path"))
        check(path.parent == (tmp / "out").resolve(), f"saved outside the output folder: {path}")
        v = subprocess.run([binary, "validate", str(path)], capture_output=True, text=True)
        check(v.returncode == 0, f"the saved what-if does not validate: {v.stderr}")
        cli = innosim_json(binary, "run", str(path), "-n", str(draws), "-q", "-o", str(tmp / "saved.h5"))
        cli_p = {(t["indicator"], t["region"], t["year"]): t["p_met"] for t in cli["targets"]}
        check(cli_p == page_p, f"the page and `innosim run` of the saved file differ: {page_p} vs {cli_p}")

        # Lever change -> updated table and fan, at 4,000 draws (not cached: each value is new).
        times, runs = [], []
        for shown in (3, 4, 5, 6, 8, 10):
            page.set_lever(LEVER, shown)
            times.append(float(page.body("data-update-ms")))
            runs.append(float(page.body("data-run-ms")))
        print(f"lever change to updated table and fan at {draws} draws: median {statistics.median(times):.0f} ms "
              f"(min {min(times):.0f}, max {max(times):.0f}; the runner's part: median {statistics.median(runs):.0f} ms) "
              f"over {len(times)} changes: {', '.join(f'{t:.0f}' for t in times)}")

        # Precise: the scenario's full draw count.
        before = page.body("data-result")
        driver.find_element(By.ID, "precise").click()
        page.wait_ready(before, timeout=60)
        full = int(driver.find_element(By.ID, "targets").get_attribute("data-draws"))
        check(full == 10000, f"precise ran {full} draws, not the plan's 10000")

        # A refused value: the validator's message on the page, the last results kept.
        before = page.body("data-result")
        box = driver.find_element(By.CSS_SELECTOR, f'.lever[data-lever="{LEVER}"] input.number')
        box.clear()
        box.send_keys("-1")
        WebDriverWait(driver, 20).until(lambda d: page.body("data-state") == "refused")
        problems = driver.find_element(By.ID, "problems").text
        check(f"levers.{LEVER}.values" in problems and "non-negative" in problems, f"refusal not shown: {problems}")
        check(page.body("data-result") == before, "a refused value replaced the results")

        # Reset, then English.
        driver.find_element(By.CSS_SELECTOR, f'.lever[data-lever="{LEVER}"] button.reset').click()
        page.wait_ready(before)
        check(page.p_met() == plan_p, "reset did not bring back the plan's P(met)")
        driver.find_element(By.ID, "lang").click()
        check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en", "the language switch failed")
        check(driver.find_element(By.ID, "targets-title").text == "Plan targets", "the page did not turn English")

        if args.screenshots:
            shots(server.url, Path(args.screenshots), tmp)

        # Every request the browser made went to the server.
        urls = []
        for entry in driver.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            if msg["method"] == "Network.requestWillBeSent":
                urls.append(msg["params"]["request"]["url"])
        # The browser's own pages (chrome://, the blank tab it starts with) never
        # touch the network; everything else must be the server's.
        local = ("chrome:", "chrome-untrusted:", "about:", "data:", "blob:")
        outside = [u for u in urls if not u.startswith(server.url) and not u.startswith(local)]
        check(any(u.startswith(server.url) for u in urls) and not outside, f"requests left the server: {outside}")
        check(any(u.endswith("echarts.common.min.js") for u in urls), "the charting library was not loaded from the server")
        # Refused (422) and superseded (409) answers are logged by the browser as
        # failed loads; they are the API working. Anything else is an error.
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"
                  and not (e.get("source") == "network" and ("status of 422" in e["message"] or "status of 409" in e["message"]))]
        check(not errors, f"the page logged errors: {errors}")
        served = sum(u.startswith(server.url) for u in urls)
        print(f"{served} requests, all to {server.url}; browser test took {time.monotonic() - t0:.1f} s")
    finally:
        driver.quit()
        code, err = server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    check(code == 0, f"innosim serve exited {code}: {err}")
    print("1 passed, 0 failed")


def shots(url, folder, tmp):
    """The page in Chinese and in English, fiscal R&D raised to 20 x 100 million yuan a year, for docs/serve.md."""
    folder.mkdir(parents=True, exist_ok=True)
    for lang in ("zh", "en"):
        d = browser(tmp / f"shot-{lang}", 1500, 1500)
        try:
            page = Page(d, f"{url}?lang={lang}")
            page.set_lever(LEVER, 20)
            time.sleep(0.3)
            d.save_screenshot(str(folder / f"serve-{lang}.png"))
        finally:
            d.quit()


if __name__ == "__main__":
    main()
