"""The web client at `/` in a real browser (Debian's chromium through its chromedriver), against the
whole system on the embedded default: sign in, scan real photos, answer the question if one is asked,
see the guidance and the nearby drop-offs, search, ask, switch to English. Screenshots are saved under
the test output folder (WASTECOACH_TEST_OUTPUT, default .test-output/) in web/.

A missing chromium is a failure, never a skip: `.ci/run` installs it.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import REPO
from tests.mesh.conftest import photo

CHROMIUM = Path(os.environ.get("WASTECOACH_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("WASTECOACH_CHROMEDRIVER", "/usr/bin/chromedriver"))
OUTPUT = Path(os.environ.get("WASTECOACH_TEST_OUTPUT", REPO / ".test-output")) / "web"
# Seoul Mapo-gu, where the shared open data has hundreds of clothing bins.
MAPO = {"latitude": 37.5663, "longitude": 126.9019, "accuracy": 20}
WAIT_S = 60


def browser():
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            pytest.fail(f"{path} is missing: apt-get install -y chromium chromium-driver (.ci/run does)")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=480,1600"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # An explicit driver path: Selenium Manager never goes looking for (or downloading) one.
    return webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))


def drive(url: str, out: Path) -> dict:
    """Uses the page as a person would; returns what it saw."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.ui import WebDriverWait

    out.mkdir(parents=True, exist_ok=True)
    seen: dict = {}
    driver = browser()
    try:
        wait = WebDriverWait(driver, WAIT_S)
        driver.execute_cdp_cmd("Browser.grantPermissions", {"origin": url, "permissions": ["geolocation"]})
        driver.execute_cdp_cmd("Emulation.setGeolocationOverride", MAPO)
        driver.get(url + "/")
        wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
        seen["title"] = driver.find_element(By.CSS_SELECTOR, "h1").text
        driver.save_screenshot(str(out / "01-sign-in.png"))

        driver.find_element(By.ID, "dev-nickname").send_keys("브라우저")
        driver.find_element(By.ID, "dev-login").click()
        wait.until(shown.visibility_of_element_located((By.ID, "scan")))

        def scan(picture: Path) -> None:
            body, error = driver.find_element(By.TAG_NAME, "body"), driver.find_element(By.ID, "error")
            before = body.get_attribute("data-scan")
            driver.find_element(By.ID, "photo").send_keys(str(picture))
            # The page marks the scan it shows: this one's result, not the one before.
            wait.until(lambda d: body.get_attribute("data-scan") not in (None, before) or error.text)
            assert not error.is_displayed(), error.text
            assert driver.find_element(By.ID, "result").is_displayed()

        # A plastic bottle: the photo cannot tell clear PET from other plastic, so a question may come.
        scan(photo("trashnet/plastic", 2))
        seen["question"] = driver.find_element(By.ID, "question").is_displayed()
        driver.save_screenshot(str(out / "02-result.png"))
        if seen["question"]:
            # The item shown while asking is the safe choice: no sureness figure beside it.
            assert "%" not in driver.find_element(By.ID, "item").text
            choice = driver.find_elements(By.CSS_SELECTOR, "#choices button.choice")[0]
            seen["choice"] = choice.text
            choice.click()
            wait.until(shown.visibility_of_element_located((By.ID, "answer-note")))
            seen["answer_note"] = driver.find_element(By.ID, "answer-note").text
            assert not driver.find_element(By.ID, "question").is_displayed()
            assert "%" in driver.find_element(By.ID, "item").text
            driver.save_screenshot(str(out / "03-answered.png"))
        seen["category"] = driver.find_element(By.ID, "category").text
        seen["steps"] = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#steps li")]
        seen["why"] = driver.find_element(By.ID, "why").text

        # Clothes in Mapo: the nearby clothing bins, as a list and on the map.
        scan(photo("wastenet9/textiles", 3))
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#nearby-list li"))
        seen["nearby"] = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#nearby-list li")]
        seen["kakao_links"] = [
            a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "#nearby-list a")
        ]
        seen["map_points"] = len(driver.find_elements(By.CSS_SELECTOR, "#map svg a circle"))
        driver.execute_script("document.getElementById('result').scrollIntoView()")
        driver.save_screenshot(str(out / "04-nearby.png"))

        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#history-list li[data-scan]")) >= 2)
        seen["stats"] = driver.find_element(By.ID, "stats").text

        driver.find_element(By.ID, "search-q").send_keys("우유팩")
        driver.find_element(By.ID, "search-go").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results li"))
        seen["search"] = driver.find_element(By.ID, "search-results").text

        driver.find_element(By.ID, "ask-q").send_keys("기름 묻은 피자 상자는 어디에 버려요?")
        driver.find_element(By.ID, "ask-go").click()
        wait.until(shown.visibility_of_element_located((By.ID, "ask-answer")))
        seen["ask"] = driver.find_element(By.ID, "ask-answer").text
        driver.execute_script("document.getElementById('history').scrollIntoView()")
        driver.save_screenshot(str(out / "05-history-search-ask.png"))

        driver.find_element(By.ID, "lang").click()
        seen["title_en"] = driver.find_element(By.CSS_SELECTOR, "h1").text
        # A result with no drop-off nearby (or no location) still says where the item goes.
        driver.execute_script("showNearby([], '불연성 폐기물 마대')")
        seen["no_nearby"] = driver.find_element(By.ID, "no-nearby").text
        driver.execute_script("window.scrollTo(0, 0)")
        driver.save_screenshot(str(out / "06-english.png"))

        seen["loaded"] = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)"
            ".concat(performance.getEntriesByType('navigation').map(e => e.name))"
        )
        seen["console"] = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    except Exception:
        driver.save_screenshot(str(out / "failure.png"))
        raise
    finally:
        driver.quit()
    return seen


async def test_a_person_scans_in_the_browser(mesh):
    seen = await asyncio.to_thread(drive, mesh.url, OUTPUT)
    assert seen["title"] == "AI 분리배출 코치"  # Korean first
    if seen["question"]:
        assert seen["choice"] in seen["answer_note"]
    assert seen["category"] and seen["steps"] and seen["why"]
    assert seen["nearby"] and seen["map_points"] == len(seen["nearby"])
    assert all(link.startswith("https://map.kakao.com/link/") for link in seen["kakao_links"])
    assert seen["stats"] and seen["search"] and seen["ask"]
    assert seen["title_en"] == "AI Waste Coach"
    assert seen["no_nearby"] == "No drop-off found nearby. Where it goes: 불연성 폐기물 마대"
    origin = urlsplit(mesh.url).netloc
    assert seen["loaded"] and all(urlsplit(u).netloc == origin for u in seen["loaded"]), seen["loaded"]
    assert not seen["console"], seen["console"]
    assert (OUTPUT / "04-nearby.png").stat().st_size > 10_000


async def test_the_page_keeps_to_its_own_origin(mesh):
    async with httpx.AsyncClient(base_url=mesh.url) as http:
        page = await http.get("/")
        script = await http.get("/web/app.js")
        config = (await http.get("/web/config.json")).json()
        again = await http.get("/web/app.js", headers={"If-None-Match": script.headers["etag"]})
        missing = await http.get("/web/secrets.txt")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert 'capture="environment"' in page.text and 'accept="image/*"' in page.text
    for text in (page.text, script.text):
        assert "//cdn" not in text and '<script src="http' not in text
    assert config == {"dev_sign_in": True, "providers": []}
    assert again.status_code == 304 and missing.status_code == 404
