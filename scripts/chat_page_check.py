#!/usr/bin/env python3
"""Drives the chat page in headless Chromium (Debian's chromium + chromium-driver, PyPI selenium): types
questions, waits for answers, checks the answer text, the citation link and its passage, a follow-up that
uses the conversation, an abstention, the corpus line and example questions, code in a monospace block with
a working copy button, the conversation kept across a reload (and forgotten by "New"), and the layout on a
phone-sized window.

    python3 scripts/chat_page_check.py http://127.0.0.1:8080/ [--screenshot FILE.png] [--with-url-page]

(--with-url-page: the corpus also holds the test's warp.html, whose citation must open its published page.)
"""
import re
import sys
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

# A wait ends as soon as the page is ready; the limit is for a 2-core machine that runs the rest of the test
# suite (and loads the sentence model) beside Chromium, where this check once failed with 5-15 s limits.
WAIT = 30

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
    WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, f"#turn-{turn} .answer-text"))
    check(driver.switch_to.active_element == box and box.get_attribute("value") == "",
          f"after answer {turn} the box is empty and has focus again")
    return driver.find_element(By.ID, f"turn-{turn}")

try:
    driver.get(url)
    check(driver.title == "AskDocs", "page title")
    WebDriverWait(driver, WAIT).until(lambda d: d.find_element(By.ID, "corpus-line").text)
    line = driver.find_element(By.ID, "corpus-line").text
    check(re.search(r"\b\d+ documents?\b", line) is not None and "indexed" in line,
          f"the corpus line says what is loaded: {line}")
    examples = driver.find_elements(By.CSS_SELECTOR, "#examples button.example")
    texts = [e.text for e in examples]
    check(2 <= len(examples) <= 4 and "What Is Flask?" in texts, f"example questions from the headings: {texts}")
    examples[texts.index("What Is Flask?") if "What Is Flask?" in texts else 0].click()
    WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#turn-1 .answer-text"))
    check("Flask" in driver.find_element(By.CSS_SELECTOR, "#turn-1 .answer-text").text
          and not driver.find_element(By.ID, "examples").is_displayed(),
          "an example asks itself, and the examples step aside")

    turn = ask("which is fastest with a database?", 2)
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

    turn = ask("what does flask give you out of the box?", 3)
    check("Jinja2" in turn.find_element(By.CLASS_NAME, "answer-text").text, "second question answered")
    driver.refresh()
    WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#turn-3 .answer-text"))
    restored = [t.find_element(By.CLASS_NAME, "question").text for t in driver.find_elements(By.CSS_SELECTOR, "section.turn")]
    check(len(restored) == 3 and "out of the box" in restored[-1], f"the conversation is kept across a reload: {restored}")
    turn = ask("and Django?", 4)
    cites = " ".join(l.text for l in turn.find_elements(By.CSS_SELECTOR, "a.citation"))
    check("Django" in cites, f"follow-up after the reload answered about Django from the conversation: {cites}")

    turn = ask("How do I deploy FastAPI on Kubernetes?", 5)
    text = turn.find_element(By.CLASS_NAME, "answer-text").text
    check("couldn't find" in text and not turn.find_elements(By.CSS_SELECTOR, "a.citation"),
          f"clear abstention, no citation: {text}")
    check(not driver.find_elements(By.CSS_SELECTOR, "#turn-2 a.open-page"),
          "no 'open page' link for a page whose address is unknown")

    turn = ask("how do I define a route in flask", 6)
    blocks = turn.find_elements(By.CSS_SELECTOR, ".code pre code")
    check(len(blocks) == 1 and "@app.route" in blocks[0].text and "\n    return" in blocks[0].get_attribute("textContent"),
          "a code answer is a block, its indentation kept")
    font = driver.execute_script("return getComputedStyle(arguments[0]).fontFamily", blocks[0]) if blocks else ""
    check("mono" in font.lower() or "consolas" in font.lower(), f"code in a monospace font: {font}")
    buttons = turn.find_elements(By.CSS_SELECTOR, ".code button.copy")
    if buttons:
        buttons[0].click()
        WebDriverWait(driver, WAIT).until(lambda d: buttons[0].get_attribute("data-copied") == "true")
    check(bool(buttons) and buttons[0].get_attribute("data-copied") == "true", "the copy button copies")

    if "--with-url-page" in sys.argv:
        # The test corpus has warp.html, which declares https://docs.example.org/warp.html as its address.
        turn = ask("what do warp coils need?", 7)
        opens = turn.find_elements(By.CSS_SELECTOR, "a.open-page")
        check(len(opens) == 1 and opens[0].get_attribute("href") == "https://docs.example.org/warp.html#coils"
              and opens[0].get_attribute("target") == "_blank" and "noopener" in (opens[0].get_attribute("rel") or ""),
              f"a citation with a known address opens the page in a new tab: {[o.get_attribute('href') for o in opens]}")

    width, viewport = driver.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]")
    check(viewport <= 400 and width <= viewport, f"no horizontal scrolling on a phone ({width}px in {viewport}px)")
    if shot:
        driver.save_screenshot(shot)

    driver.find_element(By.ID, "clear").click()
    driver.refresh()
    WebDriverWait(driver, WAIT).until(lambda d: d.find_element(By.ID, "corpus-line").text)
    check(not driver.find_elements(By.CSS_SELECTOR, "section.turn") and driver.find_element(By.ID, "examples").is_displayed(),
          "New forgets the conversation, also after a reload, and the examples come back")
    check(driver.execute_script("return fetch('/favicon.ico').then(r => r.status + ' ' + r.headers.get('content-type'))")
          == "200 image/svg+xml", "a favicon")
finally:
    driver.quit()

sys.exit(1 if failures else 0)
