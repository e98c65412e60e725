"""The dashboard in a real browser: serve it on a free localhost port, load it in headless
Chromium (Debian's ``chromium`` and ``chromium-driver``, driven by Selenium), press the page's own
Step button a few times and check that the step counter advanced and the plots rendered.

Slow (runs with ``--run-slow`` or ``CI=true``). Skipped locally, with the reason, when Chromium,
its driver or the ``viz`` extra is missing; with ``CI=true`` those are failures instead.
The screenshot is saved in the test's ``tmp_path``; set ``DASHBOARD_SCREENSHOT=path.png`` to
copy it somewhere (e.g. ``docs/figures/dashboard.png`` when updating the docs by hand).
"""

from __future__ import annotations

import argparse
import importlib.util
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

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROME_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1600,1300")
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
    for module in ("solara", "selenium"):
        if importlib.util.find_spec(module) is None:
            _missing(f"{module} is not installed (pip install -e '.[viz]')")
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
    """``run.py dashboard`` once model.interfaces.cli registers it; until then the same handler via viz_cli."""
    from model.interfaces import cli

    sub = next(a for a in cli.build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    entry = ["run.py"] if "dashboard" in sub.choices else ["-m", "model.interfaces.viz_cli"]
    return [sys.executable, *entry, "dashboard", "--host", "127.0.0.1", "--port", str(port)]


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


def _rendered_plots(browser) -> int:
    """Images of the dashboard's plots (PNG widgets, shown as blob: or data: URLs) that the browser
    has decoded."""
    return browser.execute_script(
        "return Array.from(document.images).filter(i => i.complete && i.naturalWidth > 200"
        " && /^(blob|data):/.test(i.src)).length;")


def test_dashboard_steps_and_draws_in_a_real_browser(dashboard: str, browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, STARTUP_SECONDS, poll_frequency=0.25)
    body = lambda: browser.find_element(By.TAG_NAME, "body").text  # noqa: E731
    browser.get(dashboard)
    wait.until(lambda _: _button(browser, "Step") is not None and "Step: 0" in body())
    assert "Export controls on mass-surveillance technology" in body()
    wait.until(lambda _: _rendered_plots(browser) >= 3)

    for step in range(1, STEPS + 1):  # the page's own Step button
        _button(browser, "Step").click()
        wait.until(lambda _, k=step: f"Step: {k}" in body())
    wait.until(lambda _: f"Quarter {STEPS} of" in body() and _rendered_plots(browser) >= 3)
    text = body()
    assert "Target-regime capability" in text and "Controls in force" in text
    assert "Traceback" not in text and "error in step" not in text.lower()
    images = browser.execute_script(
        "return Array.from(document.images).filter(i => /^(blob|data):/.test(i.src))"
        ".map(i => [i.naturalWidth, i.naturalHeight, i.getBoundingClientRect().width]);")
    assert len(images) >= 3 and all(w > 200 and h > 150 and shown > 100 for w, h, shown in images), images

    screenshot = tmp_path / "dashboard.png"
    browser.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 20_000
    if os.environ.get("DASHBOARD_SCREENSHOT"):
        shutil.copyfile(screenshot, os.environ["DASHBOARD_SCREENSHOT"])
    print(f"screenshot: {screenshot}")

    # change a setting with the page's own controls and rebuild the model: the counter restarts
    checkbox = browser.find_element(By.XPATH, "//label[contains(., 'Control training data')]")
    checkbox.click()
    _button(browser, "Reset").click()
    wait.until(lambda _: "Step: 0" in body() and "Not started" in body())
    _button(browser, "Step").click()
    wait.until(lambda _: "Step: 1" in body())
