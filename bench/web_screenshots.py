"""Screenshots of every page of the web app (issue 13) into docs/screenshots/:
web-<page>-<desktop|phone>[-dark].png, at 1280x800 and 390x844 (light), plus dark for the
week and the month. Headless Debian Chromium against the local stack, with an account
holding a realistic week in December 2026 (the browser in Europe/Berlin, en-GB).

    .venv/bin/python bench/web_screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from playwright.sync_api import expect
from web_common import ROOT, ApiUser, Stack, add_calendar, add_event, calendar_id, sign_in, stack, wait_loaded

WEEK = "#/week/2026-12-07"
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def seed(api: ApiUser) -> None:
    """A week a busy person has, and a few days around it."""
    work = calendar_id(api)
    family = add_calendar(api, "Family", "#16a34a")
    add_event(api, work, "Standup", "2026-11-30T09:30:00+01:00", "2026-11-30T09:45:00+01:00",
              rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", location="Video call")
    add_event(api, work, "Call with Boston", "2026-12-07T09:00:00-05:00", "2026-12-07T10:00:00-05:00",
              timezone="America/New_York")
    add_event(api, work, "Design review", "2026-12-08T14:00:00+01:00", "2026-12-08T15:30:00+01:00",
              location="Room 4")
    add_event(api, work, "Lunch with Anna", "2026-12-09T12:30:00+01:00", "2026-12-09T13:30:00+01:00",
              location="Café Lisboa")
    add_event(api, work, "Budget review", "2026-12-10T10:00:00+01:00", "2026-12-10T11:00:00+01:00")
    add_event(api, work, "1:1 with Sam", "2026-12-10T10:30:00+01:00", "2026-12-10T11:00:00+01:00")
    add_event(api, family, "Dentist", "2026-12-10T16:00:00+01:00", "2026-12-10T16:45:00+01:00")
    add_event(api, family, "Berlin trip", "2026-12-11", "2026-12-14")
    add_event(api, family, "Yoga", "2026-12-12T10:00:00+01:00", "2026-12-12T11:00:00+01:00",
              rrule="FREQ=WEEKLY")
    add_event(api, work, "Team dinner", "2026-12-17T19:00:00+01:00", "2026-12-17T22:00:00+01:00",
              location="Markthalle")
    add_event(api, family, "Christmas Eve", "2026-12-24", "2026-12-25")
    add_event(api, work, "Release 4.2", "2026-12-15", "2026-12-16")
    add_event(api, work, "Quarterly planning", "2026-12-02T13:00:00+01:00", "2026-12-02T17:00:00+01:00")


class Shooter:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.made: list[Path] = []

    def shot(self, page: Any, name: str) -> None:
        page.wait_for_timeout(150)  # let the last frame paint (fonts, focus rings)
        path = self.out / f"web-{name}.png"
        page.screenshot(path=str(path))
        self.made.append(path)


def signed_out_pages(s: Stack, sh: Shooter, size: str) -> None:
    page = s.page(viewport=SIZES[size], is_mobile=size == "phone", has_touch=size == "phone")
    page.goto(s.app_url + "#/signin")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    sh.shot(page, f"signin-{size}")

    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    email = f"sam.{size}@example.com"
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill("Correct-horse")
    sh.shot(page, f"signup-{size}")

    page.get_by_label("Password", exact=True).fill("Correct-Horse-42")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Confirm your email")).to_be_visible()
    sh.shot(page, f"confirm-{size}")

    page.goto(s.app_url + "#/forgot")
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send code").click()
    expect(page.get_by_label("New password")).to_be_visible()
    sh.shot(page, f"reset-{size}")
    page.context.close()


def signed_in_pages(s: Stack, sh: Shooter, size: str, email: str, api: ApiUser) -> None:
    page = s.page(viewport=SIZES[size], is_mobile=size == "phone", has_touch=size == "phone")
    sign_in(page, s.app_url, email, route=WEEK)
    sh.shot(page, f"week-{size}")
    for view, route in (("agenda", "#/agenda/2026-12-07"), ("month", "#/month/2026-12-01")):
        page.goto(s.app_url + route)
        wait_loaded(page)
        sh.shot(page, f"{view}-{size}")
    page.goto(s.app_url + "#/settings")
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    wait_loaded(page)
    sh.shot(page, f"settings-{size}")

    page.goto(s.app_url + WEEK)
    wait_loaded(page)
    page.get_by_role("button", name="New event").click()
    dialog = page.get_by_role("dialog", name="New event")
    dialog.get_by_label("Title").fill("Coffee with Lea")
    dialog.get_by_label("Location").fill("Bonanza, Oderberger Str.")
    dialog.get_by_label("Repeat", exact=True).select_option(label="Weekly")
    dialog.get_by_label("Notification").select_option(label="10 minutes before")
    sh.shot(page, f"editor-new-{size}")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)

    page.get_by_role("button", name=re.compile(r"^Standup, ")).nth(2).click()
    dialog = page.get_by_role("dialog", name="Edit event")
    dialog.get_by_label("Title").fill("Standup (in the big room)")
    dialog.get_by_role("button", name="Save").click()
    scope = page.get_by_role("dialog", name="Change a repeating event")
    expect(scope).to_be_visible()
    sh.shot(page, f"editor-scope-{size}")
    scope.get_by_role("button", name="Cancel").click()
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("dialog")).to_have_count(0)

    page.get_by_role("button", name=re.compile(r"^Design review, ")).click()
    dialog = page.get_by_role("dialog", name="Edit event")
    [occ] = [o for o in api.occurrences("2026-12-08T00:00:00Z", "2026-12-09T00:00:00Z")
             if o["event"]["title"] == "Design review"]
    theirs = api.event(occ["event"]["id"])
    theirs.update(location="Room 7 (moved)" if size == "desktop" else "Room 9 (moved)",
                  end=theirs["end"].replace("15:30", "16:00"))
    api.put(theirs)
    dialog.get_by_label("Notes").fill("Bring the printouts")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_contain_text("This event was changed elsewhere")
    sh.shot(page, f"editor-412-{size}")
    dialog.get_by_role("button", name="Cancel").click()
    page.context.close()


def dark_pages(s: Stack, sh: Shooter, size: str, email: str) -> None:
    page = s.page(viewport=SIZES[size], is_mobile=size == "phone", has_touch=size == "phone",
                  color_scheme="dark")
    sign_in(page, s.app_url, email, route=WEEK)
    sh.shot(page, f"week-{size}-dark")
    page.goto(s.app_url + "#/month/2026-12-01")
    wait_loaded(page)
    sh.shot(page, f"month-{size}-dark")
    page.context.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    sh = Shooter(args.out)
    with stack() as s:
        email, api = s.account("lea.schmidt@example.com")
        seed(api)
        for size in SIZES:
            signed_out_pages(s, sh, size)
            signed_in_pages(s, sh, size, email, api)
            dark_pages(s, sh, size, email)
        api.close()
    for p in sh.made:
        print(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p)


if __name__ == "__main__":
    main()
