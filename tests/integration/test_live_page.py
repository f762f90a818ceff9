"""The live page in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``, installed by ``make browser``) driven with Selenium.

Articles go in through ``POST /articles``; the page, loaded once, must show
the trending list change, Arabic articles right to left, and never reload.
The screenshot is kept at ``out/live-page.png`` (git-ignored) and in the
test's tmp dir.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from tests.articles import article
from tests.conftest import ROOT
from tests.kafka_fixtures import WebWorker, http

pytestmark = pytest.mark.integration

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# Headless, and nothing that phones home: the machines have no Internet, and
# Chromium's background fetches (QUIC, component updates, sync) make it hang
# or fail there.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1000",
)
UPDATE_TIMEOUT = 180.0
SCREENSHOT = ROOT / "out" / "live-page.png"


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        message = f"{', '.join(missing)} missing: `make browser` installs Debian's chromium"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it (make test): missing there is a failure
        pytest.skip(message)
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    # Explicit binary and driver paths: Selenium Manager then downloads nothing.
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


# The page redraws its lists on every poll, so elements found one call go
# stale by the next: each read takes its snapshot in one script.
TRENDING_JS = """
return [...document.querySelectorAll('#trending li')]
    .map(li => [li.dataset.entityId, Number(li.dataset.count)]);
"""
LATEST_JS = """
return [...document.querySelectorAll('#latest li')].map(li => ({
    id: li.dataset.articleId,
    direction: getComputedStyle(li).direction,
    chips: [...li.querySelectorAll('.chip')].map(chip => chip.textContent),
}));
"""


def trending(driver: WebDriver) -> list[tuple[str, int]]:
    """The trending list as shown: (entity id, count), top first."""
    return [tuple(item) for item in driver.execute_script(TRENDING_JS)]


def post(worker: WebWorker, *items: dict) -> list[str]:
    reply = http("POST", worker.url + "/articles", orjson.dumps(list(items)))
    assert reply.status == 202, reply.body
    return reply.json()["ids"]


def test_live_page_shows_trending_change_without_reload(web_worker, browser, tmp_path):
    wait = WebDriverWait(browser, UPDATE_TIMEOUT, poll_frequency=0.5)
    browser.get(web_worker.url + "/")
    wait.until(lambda d: d.find_element(By.ID, "status").get_attribute("data-updates"))
    browser.execute_script("window.loadedOnce = 'yes'")  # gone if the page reloads

    post(web_worker, article("محادثات بين روسيا وأوكرانيا في جنيف", 101, "روسيا"))
    wait.until(lambda d: ("cldr:RU", 1) in trending(d))
    before = trending(browser)
    assert "cldr:KZ" not in dict(before)

    [first_kz, second_kz] = post(
        web_worker,
        article("كازاخستان توقع اتفاقية جديدة للطاقة", 102, "كازاخستان"),
        article("رئيس كازاخستان يستقبل وفدا تجاريا", 103, "كازاخستان"),
    )
    wait.until(lambda d: trending(d)[:1] == [("cldr:KZ", 2)])
    after = trending(browser)
    assert after != before
    assert dict(after)["cldr:RU"] == 1  # still in the hour, now below Kazakhstan

    # the newest article first, right to left, with its entity chips
    latest = browser.execute_script(LATEST_JS)
    assert [item["id"] for item in latest[:2]] == [second_kz, first_kz]
    assert latest[0]["direction"] == "rtl"
    assert "كازاخستان" in latest[0]["chips"]
    assert float(browser.find_element(By.ID, "rate-articles").text) > 0
    assert browser.execute_script("return window.loadedOnce") == "yes"

    shot = tmp_path / "live-page.png"
    assert browser.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    SCREENSHOT.parent.mkdir(exist_ok=True)
    shutil.copyfile(shot, SCREENSHOT)
