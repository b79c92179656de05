#!/usr/bin/env python3
"""Drives the chat page in headless Chromium (Debian's chromium + chromium-driver, PyPI selenium): types
questions, waits for answers, checks the answer text, the citation link and its passage, a follow-up that
uses the conversation, an abstention, and the layout on a phone-sized window.

    python3 scripts/chat_page_check.py http://127.0.0.1:8080/ [--screenshot FILE.png] [--with-url-page]

(--with-url-page: the corpus also holds the test's warp.html, whose citation must open its published page.)
"""
import sys
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

url = sys.argv[1]
shot = sys.argv[sys.argv.index("--screenshot") + 1] if "--screenshot" in sys.argv else None

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
    options.add_argument(flag)
# A phone: 390 CSS pixels wide.
options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 2}})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
failures = []

def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message)
    if not condition:
        failures.append(message)

def ask(question, turn):
    box = driver.find_element(By.ID, "question")
    box.send_keys(question)
    box.send_keys(Keys.ENTER)  # keyboard only
    WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, f"#turn-{turn} .answer-text"))
    check(driver.switch_to.active_element == box and box.get_attribute("value") == "",
          f"after answer {turn} the box is empty and has focus again")
    return driver.find_element(By.ID, f"turn-{turn}")

try:
    driver.get(url)
    check(driver.title == "AskDocs", "page title")

    turn = ask("which is fastest with a database?", 1)
    answer = turn.find_element(By.CLASS_NAME, "answer-text").text
    check("FastAPI" in answer and "440" in answer, f"flagship answer: {answer[:120]}")
    links = turn.find_elements(By.CSS_SELECTOR, "a.citation")
    check(len(links) >= 1 and "Real-World Benchmark With Database Calls" in links[0].text,
          f"citation link: {[l.text for l in links]}")
    check("flask-vs-django-vs-fastapi.txt" in links[0].text, "citation names the source")
    details = turn.find_element(By.TAG_NAME, "details")
    check(details.get_attribute("open") is None, "passages folded at first")
    links[0].click()
    check(details.get_attribute("open") is not None, "the citation link unfolds the passages")
    target = links[0].get_attribute("href").split("#")[1]
    passage = driver.find_element(By.ID, target)
    check("Real-World Benchmark With Database Calls" in passage.text and passage.find_elements(By.TAG_NAME, "mark"),
          "the linked passage is the cited section, with matches highlighted")

    turn = ask("what does flask give you out of the box?", 2)
    check("Jinja2" in turn.find_element(By.CLASS_NAME, "answer-text").text, "second question answered")
    turn = ask("and Django?", 3)
    cites = " ".join(l.text for l in turn.find_elements(By.CSS_SELECTOR, "a.citation"))
    check("Django" in cites, f"follow-up answered about Django from the conversation: {cites}")

    turn = ask("How do I deploy FastAPI on Kubernetes?", 4)
    text = turn.find_element(By.CLASS_NAME, "answer-text").text
    check("couldn't find" in text and not turn.find_elements(By.CSS_SELECTOR, "a.citation"),
          f"clear abstention, no citation: {text}")
    check(not driver.find_elements(By.CSS_SELECTOR, "#turn-1 a.open-page"),
          "no 'open page' link for a page whose address is unknown")

    if "--with-url-page" in sys.argv:
        # The test corpus has warp.html, which declares https://docs.example.org/warp.html as its address.
        turn = ask("what do warp coils need?", 5)
        opens = turn.find_elements(By.CSS_SELECTOR, "a.open-page")
        check(len(opens) == 1 and opens[0].get_attribute("href") == "https://docs.example.org/warp.html#coils"
              and opens[0].get_attribute("target") == "_blank" and "noopener" in (opens[0].get_attribute("rel") or ""),
              f"a citation with a known address opens the page in a new tab: {[o.get_attribute('href') for o in opens]}")

    width, viewport = driver.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]")
    check(viewport <= 400 and width <= viewport, f"no horizontal scrolling on a phone ({width}px in {viewport}px)")
    if shot:
        driver.save_screenshot(shot)
finally:
    driver.quit()

sys.exit(1 if failures else 0)
