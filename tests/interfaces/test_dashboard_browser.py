"""The dashboard in a real browser: serve it on a free localhost port, load it in headless
Chromium (Debian's ``chromium`` and ``chromium-driver``, driven by Selenium) and use it as a
researcher would: read the tab title, the explained controls (Render Interval ending at the
horizon) and the time axis before the first step, press Step (it must answer as fast as a step),
read the Run panel (the headline measure) and the per-regime table, check that no plot is hidden
under another element, that the map spans the page and names a country under the pointer, switch
the map from denial to flows, switch the coalition and a layer (the Run panel must describe the
policies as run), and compare two edited configurations side by side.

Slow (runs with ``--run-slow`` or ``CI=true``). Skipped, with the reason, without the ``viz`` extra
(a failure with ``REQUIRE_EXTRAS=1``, tests/conftest.py); skipped locally when Chromium or its driver is
missing, a failure with ``CI=true`` where the extra is installed.
The screenshot is saved in the test's ``tmp_path``; set ``DASHBOARD_SCREENSHOT=path.png`` to
also write a compact copy (1200 px wide, 256 colours), e.g. ``docs/figures/dashboard.png`` for
the README.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.extra("viz")]

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROME_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1600,1500")
STARTUP_SECONDS = 120
STEPS = 8


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def _which(*names: str) -> str | None:
    return next((path for path in map(shutil.which, names) if path), None)


@pytest.fixture(scope="module")
def browser_paths() -> tuple[str, str]:
    chromium = _which("chromium", "chromium-browser", "google-chrome")
    driver = _which("chromedriver")
    if not chromium or not driver:
        _missing("chromium and chromedriver are needed (Debian: apt-get install chromium chromium-driver)")
    return chromium, driver


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _command(port: int) -> list[str]:
    """``run.py dashboard`` on ``port``."""
    return [sys.executable, "run.py", "dashboard", "--host", "127.0.0.1", "--port", str(port)]


@pytest.fixture(scope="module")
def dashboard(browser_paths, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard served by a subprocess; yields its URL."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("dashboard") / "server.log"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    with open(log_path, "w") as log:
        server = subprocess.Popen(_command(port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if server.poll() is not None:
                pytest.fail(f"the dashboard exited with {server.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the dashboard did not answer in {STARTUP_SECONDS} s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def browser(browser_paths):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver = browser_paths
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    for flag in (*CHROME_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    chrome = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    chrome.set_page_load_timeout(STARTUP_SECONDS)
    chrome.set_script_timeout(60)
    try:
        yield chrome
    finally:
        chrome.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _button(browser, label: str):
    from selenium.webdriver.common.by import By

    for button in browser.find_elements(By.TAG_NAME, "button"):
        if button.text.strip().lower() == label.lower() and button.is_displayed():
            return button
    return None


def _plots(browser) -> list[dict]:
    """The dashboard's plots (PNG widgets shown as blob: or data: URLs) that the browser has
    decoded: their description (aria-label), size, and whether their bottom edge is visible (not
    under another element such as the footer) when scrolled into view."""
    return browser.execute_script("""
        return Array.from(document.images).filter(i => /^(blob|data):/.test(i.src) && i.complete
                                                  && i.naturalWidth > 200).map(i => {
            i.scrollIntoView({block: 'end'});
            const r = i.getBoundingClientRect();
            const hit = document.elementFromPoint(r.left + r.width / 2, r.bottom - 3);
            const label = i.closest('[aria-label]');
            return {label: label ? label.getAttribute('aria-label') : '', width: i.naturalWidth,
                    shown: r.width, bottom_visible: hit === i};
        });""")


def _choose(browser, wait, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar's select box labelled ``label`` (a Vuetify v-select)."""
    from selenium.webdriver.common.by import By

    field = browser.find_element(By.XPATH, f"//div[@role='button'][.//label[starts-with(normalize-space(.), {label!r})]]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", field)
    field.click()
    item = wait.until(lambda _: next((e for e in browser.find_elements(
        By.CSS_SELECTOR, ".menuable__content__active .v-list-item") if e.text.strip() == option), None))
    item.click()


STEP_SCRIPT = """
const [button, step, done] = arguments;
const start = performance.now();
const check = () => {
    const text = document.body.innerText;
    if (text.includes('Step: ' + step + '\\n') && text.includes('Quarter ' + step + ' of')) {
        done((performance.now() - start) / 1000);
    } else {
        setTimeout(check, 10);
    }
};
button.click();
check();
"""
"""Click Step and time, inside the browser, until the counter and the Run panel show the step."""


HOVER_SCRIPT = """
const path = Array.from(document.querySelectorAll('svg.hover-areas path')).find(
    p => p.querySelector('title').textContent.startsWith(arguments[0]));
if (!path) { return null; }
path.scrollIntoView({block: 'center'});
const r = path.getBoundingClientRect();
const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
const title = hit && hit.closest('path') ? hit.closest('path').querySelector('title') : null;
return title ? title.textContent : (hit ? hit.tagName : 'nothing');
"""
"""The tooltip (SVG title) of what lies under the pointer at the middle of a country's hover area."""

SLIDER_MAX_SCRIPT = """
const input = Array.from(document.querySelectorAll('.v-input')).find(
    e => e.querySelector('label') && e.querySelector('label').textContent.trim().startsWith(arguments[0]));
const slider = input ? input.querySelector('[role=slider]') : null;
return slider ? slider.getAttribute('aria-valuemax') : null;
"""


def _step_seconds(browser, wait, step: int) -> float:
    """Press Step; the seconds until the step counter and the Run panel show the new quarter
    (then wait until the plots are redrawn, as a researcher watching them would)."""
    from selenium.webdriver.common.by import By

    seconds = browser.execute_async_script(STEP_SCRIPT, _button(browser, "Step"), step)
    wait.until(lambda _: not browser.find_elements(By.CSS_SELECTOR, ".redrawing"))
    return seconds


def test_dashboard_steps_compares_and_maps_in_a_real_browser(dashboard: str, browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from model.interfaces.app import CONTROL_HELP, TITLE

    wait = WebDriverWait(browser, STARTUP_SECONDS, poll_frequency=0.1)
    body = lambda: browser.find_element(By.TAG_NAME, "body").text  # noqa: E731
    browser.get(dashboard)
    wait.until(lambda _: _button(browser, "Step") is not None and "Step: 0" in body())
    wait.until(lambda _: len(_plots(browser)) >= 3)

    # the browser tab is named, and no "Page 0" tab strip
    assert browser.title == TITLE
    assert "PAGE 0" not in body().upper()
    # Mesa's controls are explained, and Render Interval ends at the 40-quarter horizon
    text = body()
    assert all(help_text in text for help_text in CONTROL_HELP.values()), text
    assert browser.execute_script(SLIDER_MAX_SCRIPT, "Render Interval") == "40"
    # before the first step the time axis shows the run's years, not 1970 or hours
    capability = next(p for p in _plots(browser) if p["label"].startswith("Target-regime capability"))
    years = capability["label"].split("x axis: ")[1].split(")")[0].split()
    assert years and all(y.isdigit() and 2000 < int(y) < 2100 for y in years), capability

    # Step costs a step: the counter and the Run panel follow at once; plots are redrawn behind
    seconds = [_step_seconds(browser, wait, step) for step in range(1, STEPS + 1)]
    print("seconds per Step:", seconds)
    assert sorted(seconds)[len(seconds) // 2] < 0.5, seconds
    wait.until(lambda _: "Quarter" in body() and len(_plots(browser)) >= 3)
    text = body()
    assert "Target-regime capability" in text and "Controls in force" in text
    assert "(the headline measure)" in text and "Policies as run" in text
    assert "Traceback" not in text and "error in step" not in text.lower()
    # the per-regime table
    assert "capability without controls" in text and "China (CHN)" in text
    # every plot is shown whole: nothing (legend included) under the footer or another panel
    plots = _plots(browser)
    assert len(plots) >= 3 and all(p["bottom_visible"] and p["shown"] > 100 for p in plots), plots

    # the map panel: choropleth of denial across the page, a country's values under the pointer
    world = next(p for p in plots if "denial per target regime" in p["label"])
    assert world["shown"] > 0.6 * browser.execute_script("return window.innerWidth"), world
    hovered = browser.execute_script(HOVER_SCRIPT, "Colombia (COL)")
    assert hovered and hovered.startswith("Colombia (COL)") and "denial" in hovered and "%" in hovered, hovered
    assert "over seeds 1-5: " in hovered and "[" in hovered, hovered  # the interval over the runs per policy
    # then flows on request
    browser.find_element(By.XPATH, "//button[normalize-space(.)='flows']").click()
    wait.until(lambda _: any("largest flows" in p["label"] for p in _plots(browser)))

    # play and pause: the figures keep up without errors
    _button(browser, "▶").click()
    wait.until(lambda _: f"Step: {STEPS + 6}" in body())
    _button(browser, "❚❚").click()
    wait.until(lambda _: not browser.find_elements(By.CSS_SELECTOR, ".redrawing"))
    assert "could not draw" not in body() and "error in step" not in body().lower(), body()

    # switch the coalition and drop cameras: after Reset the Run panel names and describes the policy as run
    _choose(browser, wait, "Coalition / agreement", "ECHRI coalition (25, follows the US list)")
    browser.find_element(By.XPATH, "//label[normalize-space(.)='Control cameras']").click()
    _button(browser, "Reset").click()
    wait.until(lambda _: "Step: 0" in body() and "Not started" in body())
    edited = "unilateral_us + ECHRI coalition + not controlling camera"
    assert edited in body() and "edited in the sidebar" in body()

    # side by side: a second edited configuration on the same seed
    _choose(browser, wait, "Compare side by side with", "global_with_china")
    _choose(browser, wait, "Second: US extraterritorial rules", "on")
    _button(browser, "Reset").click()
    second = "global_with_china + extraterritorial on"
    wait.until(lambda _: f"compared with {second}" in body())
    _button(browser, "Run to the horizon").click()
    wait.until(lambda _: "Quarter 40 of 40" in body())
    text = body()
    assert f"{second}: denial (%)" in text and f"{edited}: denial (%)" in text
    assert "USA controls 1:N algorithms, training data" in text  # the description follows the settings
    browser.find_element(By.XPATH, "//button[normalize-space(.)='denial']").click()
    wait.until(lambda _: sum("denial per target regime" in p["label"] for p in _plots(browser)) == 1
               and second in " ".join(p["label"] for p in _plots(browser)))
    time.sleep(1.0)
    wait.until(lambda _: len(_plots(browser)) >= 3)
    browser.execute_script("window.scrollTo(0, 0); document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; });")

    screenshot = tmp_path / "dashboard.png"
    browser.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 20_000
    if os.environ.get("DASHBOARD_SCREENSHOT"):  # for the README: 1200 px wide, 256 colours
        from PIL import Image

        image = Image.open(screenshot).convert("RGB")
        image = image.resize((1200, round(image.height * 1200 / image.width)), Image.Resampling.LANCZOS)
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(os.environ["DASHBOARD_SCREENSHOT"],
                                                                        optimize=True)
    print(f"screenshot: {screenshot}")
