#!/usr/bin/env python
"""How long the case page is at desk width (1280 px wide), measured in a real browser against a running demo.

    .venv/bin/python bench/case_page_height.py --base http://127.0.0.1:8000 [--cases 12] [--screenshot out.png]

Signed in as the BP3MI Kalsel case worker, it opens the first `--cases` cases of the case list (the lead
agency's own, every stage) and measures the height of each whole page (document scroll height) as it first
loads. Output, one `name: value unit` line each: `case_page_height_median`, `case_page_height_max` and, as the
anchor measured in the same run, `case_list_height` (the case list page itself).
"""

from __future__ import annotations

import argparse
import statistics
import sys

PASSWORD = "Sinergi-demo-2026"
USER = "kalsel.bp3mi.caseworker"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--cases", type=int, default=12)
    parser.add_argument("--screenshot", default="", help="save the tallest case page here")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        page = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900}).new_page()
        page.set_default_timeout(30_000)
        page.goto(f"{args.base}/accounts/login/")
        page.fill("#id_username", USER)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        page.goto(f"{args.base}/cases/")
        list_height = page.evaluate("document.documentElement.scrollHeight")
        links = page.locator("[data-testid=case-row] a").evaluate_all("els => els.map(e => e.href)")
        heights = []
        tallest = (0, "")
        for href in links[: args.cases]:
            page.goto(href)
            height = page.evaluate("document.documentElement.scrollHeight")
            heights.append(height)
            tallest = max(tallest, (height, href))
        if not heights:
            print("no case on the list", file=sys.stderr)
            return 1
        if args.screenshot:
            page.goto(tallest[1])
            page.screenshot(path=args.screenshot, full_page=True)
        browser.close()
    print(f"case_list_height: {list_height} px")
    print(f"case_page_height_median: {statistics.median(heights):.0f} px")
    print(f"case_page_height_max: {max(heights)} px")
    print(f"case_pages_measured: {len(heights)} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
