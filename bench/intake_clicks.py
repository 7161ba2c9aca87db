#!/usr/bin/env python
"""Clicks and full page loads for one intake with two referrals, walked in a real browser against a running
demo (`make demo`, or any server with the demo data).

    .venv/bin/python bench/intake_clicks.py --base http://127.0.0.1:8000 --flow new
    .venv/bin/python bench/intake_clicks.py --base http://127.0.0.1:8000 --flow old   # the page-per-step walk

The intake: a community report with one victim, a recruiter (a person), the placement company (a P3MI), the
reporter with a phone number, two referrals (shelter, investigation), and the worker who registers it as its
case worker. `--flow old` records the victim on the intake form and adds the rest one form at a time on the case
page, as before issue 11; `--flow new` fills the one intake form. A click is a click or a chosen option (a
<select> changed, a radio picked); a typed field is a text the user types (eight in both walks: the narrative,
the victim's, the recruiter's, the company's and the reporter's names, the reporter's phone, the two reasons).
A field that already shows what the walk wants (a default, an agency the form proposed, a suspect the form
took as a company) is looked at, not touched, and counts nothing, in both walks alike. A full load is a
document the browser loads (HTMX swaps are not). The walk starts on the case list, signed in as the BP3MI
Kalsel case worker, and ends on the new case's page. The names are synthetic (Faker id_ID).

Output, one `name: value unit` line each: `intake_<flow>_clicks`, `intake_<flow>_typed_fields`,
`intake_<flow>_interactions` (the two together), `intake_<flow>_full_loads`, `intake_<flow>_untouched` (fields
left as shown; which ones goes to stderr), `intake_<flow>_seconds` (wall time, for orientation only) and, as the
anchor measured in the same run, `case_list_full_loads` (opening the case list: one).

`--flow old` needs the case page of before (page-per-step forms, full reloads): run it against a server at
commit 0771ce9, the last one before the intake in one go and the folded, HTMX case page.
"""

from __future__ import annotations

import argparse
import re
import sys
import time

PASSWORD = "Sinergi-demo-2026"
USER = "kalsel.bp3mi.caseworker"


class Counted:
    """A page whose clicks (and chosen options) and typed fields are counted, and whose document loads are."""

    def __init__(self, page):
        self.page = page
        self.clicks = 0
        self.typed = 0
        self.loads = 0
        self.untouched: list[str] = []  # fields that already showed what the walk wanted
        page.on("load", lambda _page: self._loaded())

    @property
    def interactions(self):
        return self.clicks + self.typed

    def _loaded(self):
        self.loads += 1

    def click(self, selector):
        self.clicks += 1
        self.page.locator(selector).first.click()

    def fill(self, selector, value):
        self.typed += 1
        self.page.locator(selector).first.fill(value)

    def select(self, selector, *, value=None, label=None, always=False):
        """Chooses an option; nothing to do, and nothing counted, when the field already shows it (unless
        `always`: a choice the page of before needed and today's makes beforehand)."""
        field = self.page.locator(selector).first
        shown = field.evaluate(
            "el => [el.value, el.selectedOptions.length ? el.selectedOptions[0].text : '']"
        )
        shows = (value is not None and shown[0] == value) or (label is not None and shown[1].strip() == label)
        if shows and not always:
            self.untouched.append(selector)
            return
        self.clicks += 1
        field.select_option(**({"value": value} if value is not None else {"label": label}))

    def check(self, selector):
        """Picks a radio button; nothing counted when it is already picked."""
        field = self.page.locator(selector).first
        if field.is_checked():
            self.untouched.append(selector)
        else:
            self.clicks += 1
            field.check()

    def submit(self, selector):
        self.clicks += 1
        with self.page.expect_navigation():
            self.page.locator(selector).first.click()


def sign_in(page, base):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", USER)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def people():
    from faker import Faker

    fake = Faker("id_ID")
    fake.seed_instance(int(time.time()))
    return {
        "victim": fake.name_female(),
        "recruiter": fake.name_male(),
        "reporter": fake.name(),
        "phone": "0812" + str(fake.random_number(digits=8, fix_len=True)),
        "company": f"PT {fake.last_name()} {fake.random_element(['Jaya', 'Mandiri', 'Sejahtera'])} Abadi",
    }


def agency_option(page, select, type_word):
    """The value of the option of `select` the user can choose (not narrowed away) whose label names an agency of
    that kind, South Kalimantan's first; the one already selected when it is of that kind."""
    labels = page.locator(f"{select} option").evaluate_all(
        "els => els.map(e => [e.value, e.textContent, e.parentElement.label || '', e.disabled, e.selected])"
    )
    matching = [
        (value, selected, "Kalimantan Selatan" in label or "Kalsel" in label)
        for value, label, group, disabled, selected in labels
        if value
        and not disabled
        and (type_word.lower() in label.lower() or type_word.lower() in group.lower())
    ]
    for value, selected, _local in matching:
        if selected:
            return value
    # The worker refers within South Kalimantan where an agency of that kind is there.
    local = [value for value, _selected, is_local in matching if is_local]
    if local or matching:
        return (local or [m[0] for m in matching])[0]
    raise SystemExit(f"no agency option for {type_word!r} in {select}")


def unfold(p: Counted):
    """The case page before issue 11 showed every section; today's folds them. The old walk unfolds them
    without counting, so that it stays the walk of before (the folding is not what is measured)."""
    p.page.evaluate("document.querySelectorAll('details.case-section').forEach(d => { d.open = true; })")


def old_flow(p: Counted, who):
    p.click("[data-testid=case-intake]")
    p.page.wait_for_load_state()
    p.select("#id_intake_channel", value="COMMUNITY")
    p.fill("#id_narrative", "Tetangga melapor: korban direkrut calo lewat Facebook ke Johor, paspor ditahan.")
    p.select("#id_destination_country", value="MY")
    p.fill("#id_victims-0-full_name", who["victim"])
    p.select("#id_victims-0-sex", value="F")
    p.select("#id_victims-0-age_group", value="ADULT")
    p.submit("[data-testid=intake-submit]")
    if p.page.locator("[data-testid=duplicate-warning]").count():
        p.submit("[data-testid=intake-submit]")
    # The recruiter, the reporter and the company, one form and one page load each.
    unfold(p)
    p.click("[data-testid=party-open]")
    p.select("#id_party-role", value="RECRUITER")
    p.fill("#id_party-full_name", who["recruiter"])
    p.select("#id_party-perpetrator_role", value="RECRUITER")
    p.submit("[data-testid=party-submit]")
    unfold(p)
    p.click("[data-testid=party-open]")
    p.select("#id_party-role", value="REPORTER")
    p.fill("#id_party-full_name", who["reporter"])
    p.fill("#id_party-phone", who["phone"])
    p.submit("[data-testid=party-submit]")
    unfold(p)
    p.click("[data-testid=organisation-open]")
    p.fill("#id_organisation-name", who["company"])
    p.select("#id_organisation-kind", value="P3MI")
    p.submit("#organisation-submit, form[action$='/organisations/'] button[type=submit]")
    for need, kind in (("SHELTER", "UPTD"), ("INVESTIGATION", "Polda")):
        unfold(p)
        p.click("[data-testid=referral-open]")
        p.select("#id_referral-need", value=need)
        p.page.wait_for_selector(f"#id_referral-to_agency option[data-need='{need}']", state="attached")
        p.select("#id_referral-to_agency", value=agency_option(p.page, "#id_referral-to_agency", kind))
        p.fill("#id_referral-reason", f"Rujukan {need.lower()} untuk korban.")
        p.submit("[data-testid=referral-submit]")
    # The worker who registered the case takes it.
    unfold(p)
    p.click("[data-testid=assign-open]")
    me = p.page.locator("details.usermenu summary").inner_text().split("·")[0].strip()
    # Before issue 11 nobody was assigned at intake; today's intake assigns the worker, so the list already
    # shows them: the old walk still counts the choice it needed then.
    p.select("#id_assign-assignee", label=me, always=True)
    p.submit("[data-testid=assign-submit]")


def new_flow(p: Counted, who):
    p.click("[data-testid=case-intake]")
    p.page.wait_for_load_state()
    p.select("#id_intake_channel", value="COMMUNITY")
    p.fill("#id_narrative", "Tetangga melapor: korban direkrut calo lewat Facebook ke Johor, paspor ditahan.")
    p.select("#id_destination_country", value="MY")
    p.fill("#id_victims-0-full_name", who["victim"])
    p.select("#id_victims-0-sex", value="F")
    p.select("#id_victims-0-age_group", value="ADULT")
    p.fill("#id_suspects-0-name", who["recruiter"])
    p.click("[data-testid=add-suspect]")
    p.fill("#id_suspects-1-name", who["company"])
    # "PT ..." makes the row a company (cases/intake.js); where it does not, the user picks it.
    p.check("#id_suspects-1-kind_1")
    p.select("#id_suspects-1-organisation_kind", value="P3MI")
    p.fill("#id_reporter-full_name", who["reporter"])
    p.fill("#id_reporter-phone", who["phone"])
    for index, (need, kind) in enumerate((("SHELTER", "UPTD"), ("INVESTIGATION", "Polda"))):
        p.select(f"#id_referrals-{index}-need", value=need)
        select = f"#id_referrals-{index}-to_agency"
        p.select(select, value=agency_option(p.page, select, kind))
        p.fill(f"#id_referrals-{index}-reason", f"Rujukan {need.lower()} untuk korban.")
    p.submit("[data-testid=intake-submit]")
    if p.page.locator("[data-testid=duplicate-warning]").count():
        p.submit("[data-testid=intake-submit]")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--flow", choices=("old", "new"), default="new")
    parser.add_argument("--screenshot", default="", help="save the final case page here")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(30_000)
        sign_in(page, args.base)
        counted = Counted(page)
        page.goto(f"{args.base}/cases/")
        anchor = counted.loads
        counted.loads = 0
        started = time.perf_counter()
        (old_flow if args.flow == "old" else new_flow)(counted, people())
        seconds = time.perf_counter() - started
        if not re.search(r"/cases/\d+/", page.url):
            print(f"the walk did not end on a case page but on {page.url}", file=sys.stderr)
            return 1
        if args.screenshot:
            page.screenshot(path=args.screenshot, full_page=True)
        browser.close()
    print(f"case_list_full_loads: {anchor} loads")
    print(f"intake_{args.flow}_clicks: {counted.clicks} clicks")
    print(f"intake_{args.flow}_typed_fields: {counted.typed} fields")
    print(f"intake_{args.flow}_interactions: {counted.interactions} interactions")
    print(f"intake_{args.flow}_full_loads: {counted.loads} loads")
    print(f"intake_{args.flow}_untouched: {len(counted.untouched)} fields")
    print("untouched (already showing the wanted value): " + ", ".join(counted.untouched), file=sys.stderr)
    print(f"intake_{args.flow}_seconds: {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
