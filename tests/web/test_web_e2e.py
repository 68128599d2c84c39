"""The web app in a real browser (Debian's Chromium, headless, via Playwright for Python)
against the local stack on 127.0.0.1, driven by what a person sees: roles and accessible
names from docs/web.md and /work/web_contract.md, never CSS classes.

The browser runs in Europe/Berlin with British English (24-hour times, Monday first).
The dates are fixed in December 2026 and reached through the app's own routes."""

from __future__ import annotations

import os
import re
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.cloud_process import PASSWORD, CloudProcess, new_email
from tests.helpers.web import PHONE, ApiUser, Computer, occurrence, sign_in, wait_loaded

if os.environ.get("AURORA_CI") != "1":  # CI installs it: there, missing is a failure
    pytest.importorskip("playwright.sync_api",
                        reason="Playwright for Python is missing: .venv/bin/pip install -e '.[test]'")
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WEEK = "#/week/2026-12-07"  # Monday 7 – Sunday 13 December 2026
OFFLINE = "You are offline or the server cannot be reached. Nothing was saved."


def needs_cli_desktop() -> None:
    if not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")):
        if os.environ.get("AURORA_CI") == "1":
            pytest.fail("dbus-run-session and gnome-keyring-daemon are missing (CI installs them)")
        pytest.skip("needs the Debian packages dbus and gnome-keyring (scripts/bootstrap.sh)")


def new_event(page: Any, title: str, start: str, end: str | None = None, **selects: str) -> None:
    """New event → fill → Save; the dialog closes."""
    page.get_by_role("button", name="New event").click()
    dialog = page.get_by_role("dialog", name="New event")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Title").fill(title)
    dialog.get_by_label("Starts").fill(start)
    if end:
        dialog.get_by_label("Ends").fill(end)
    for label, value in selects.items():
        dialog.get_by_label(label.replace("_", " "), exact=True).select_option(label=value)
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_have_count(0)


def titles_by_day(api: ApiUser, start: str = "2026-12-07T00:00:00Z",
                  end: str = "2026-12-14T00:00:00Z") -> dict[str, list[str]]:
    """What the server has, by Berlin day (the test's own check of 'nothing else changed')."""
    out: dict[str, list[str]] = {}
    for o in api.occurrences(start, end):
        out.setdefault(o["start"][:10], []).append(o["event"]["title"])
    return {d: sorted(t) for d, t in sorted(out.items())}


# -- accounts -------------------------------------------------------------------


def test_sign_up_confirm_sign_out_wrong_password_and_reset(page: Any, app_url: str,
                                                          cloud: CloudProcess) -> None:
    email = new_email()
    page.goto(app_url)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    sent = time.time() - 1
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Confirm your email")).to_be_visible()
    page.get_by_label("Code").fill(cloud.code_for(email, after=sent))
    page.get_by_role("button", name="Confirm").click()
    # Confirmed and signed in: the week of today, its period as the page's h1.
    wait_loaded(page)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    assert re.search(r"#/week/\d{4}-\d{2}-\d{2}$", page.url), page.url
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_have_text(re.compile(r"\d{4}"))

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    # A wrong password says so, and nothing else happens.
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill("Wrong-Horse-42")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("password is not right")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    wait_loaded(page)
    page.get_by_role("button", name="Sign out").click()

    # Forgot password: a code by email, a new password, then signed in with it.
    page.get_by_role("link", name="Forgot password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    page.get_by_label("Email").fill(email)
    sent = time.time() - 1
    page.get_by_role("button", name="Send code").click()
    page.get_by_label("Code").fill(cloud.code_for(email, after=sent))
    page.get_by_label("New password").fill("Battery-Staple-77")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)  # the old one no longer works
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("password is not right")
    page.get_by_label("Password", exact=True).fill("Battery-Staple-77")
    page.get_by_role("button", name="Sign in").click()
    wait_loaded(page)


# -- events -----------------------------------------------------------------------


def test_create_event_shows_with_its_time_survives_a_reload_not_a_sign_out(
        page: Any, app_url: str, account: tuple[str, str]) -> None:
    sign_in(page, app_url, account[0], route=WEEK)
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_have_text(
        re.compile(r"7\s.*13 Dec 2026"))
    new_event(page, "Dentist", "2026-12-08T14:30", "2026-12-08T15:15")
    expect(page.get_by_role("button", name="Dentist, 14:30–15:15")).to_be_visible()
    # A reload keeps this tab signed in (docs/web.md: the refresh token lives in this
    # tab's sessionStorage) and shows the saved event from the server.
    page.reload()
    wait_loaded(page)
    expect(page.get_by_role("button", name="Dentist, 14:30–15:15")).to_be_visible()
    # Opening it shows what was saved.
    page.get_by_role("button", name="Dentist, 14:30–15:15").click()
    dialog = page.get_by_role("dialog", name="Edit event")
    expect(dialog.get_by_label("Title")).to_have_value("Dentist")
    expect(dialog.get_by_label("Starts")).to_have_value("2026-12-08T14:30")
    expect(dialog.get_by_label("Ends")).to_have_value("2026-12-08T15:15")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    # Signing out forgets it all: nothing kept in the browser, Back shows no event.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.evaluate("sessionStorage.length + localStorage.length") == 0
    page.go_back()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(occurrence(page, "Dentist")).to_have_count(0)
    page.reload()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_edit_and_delete_one_occurrence_of_a_daily_series(
        page: Any, app_url: str, account: tuple[str, str], cloud: CloudProcess,
        tmp_path: Path) -> None:
    sign_in(page, app_url, account[0], route=WEEK)
    page.get_by_role("button", name="New event").click()
    dialog = page.get_by_role("dialog", name="New event")
    dialog.get_by_label("Title").fill("Standup")
    dialog.get_by_label("Starts").fill("2026-12-07T09:30")
    dialog.get_by_label("Ends").fill("2026-12-07T09:45")
    dialog.get_by_label("Repeat", exact=True).select_option(label="Daily")
    dialog.get_by_label("Repeat ends").select_option(label="After")
    dialog.get_by_label("Occurrences").fill("5")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_have_count(0)
    standups = page.get_by_role("button", name="Standup, 09:30–09:45")
    expect(standups).to_have_count(5)  # Monday to Friday

    # Wednesday only: a new title and a later time.
    standups.nth(2).click()
    dialog = page.get_by_role("dialog", name="Edit event")
    expect(dialog.get_by_label("Starts")).to_have_value("2026-12-09T09:30")
    dialog.get_by_label("Title").fill("Standup (late)")
    dialog.get_by_label("Starts").fill("2026-12-09T11:00")
    dialog.get_by_role("button", name="Save").click()
    scope = page.get_by_role("dialog", name="Change a repeating event")
    scope.get_by_role("button", name="Only this event").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("button", name="Standup (late), 11:00–11:15")).to_have_count(1)
    expect(standups).to_have_count(4)

    # Thursday deleted, only Thursday.
    standups.nth(2).click()
    dialog = page.get_by_role("dialog", name="Edit event")
    expect(dialog.get_by_label("Starts")).to_have_value("2026-12-10T09:30")
    dialog.get_by_role("button", name="Delete").click()
    page.get_by_role("dialog", name="Delete a repeating event").get_by_role(
        "button", name="Only this event").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(standups).to_have_count(3)
    expect(page.get_by_role("button", name="Standup (late), 11:00–11:15")).to_have_count(1)

    api = ApiUser(cloud, tmp_path, account[0])
    try:
        assert titles_by_day(api) == {"2026-12-07": ["Standup"], "2026-12-08": ["Standup"],
                                      "2026-12-09": ["Standup (late)"],
                                      "2026-12-11": ["Standup"]}
    finally:
        api.close()


def test_desktop_event_shows_in_the_browser_in_its_zone(
        page: Any, app_url: str, account: tuple[str, str], cloud: CloudProcess,
        tmp_path: Path) -> None:
    needs_cli_desktop()
    desk = Computer(tmp_path / "ny", tz="America/New_York")
    desk.login(cloud, account[0])
    desk.aurora("add", "--title", "Call with Boston", "--start", "2026-12-08T09:00",
                "--end", "2026-12-08T10:00", "--timezone", "America/New_York")
    # In the weeks between the two DST starts (US 14 March, EU 28 March 2027) the
    # difference is 5 hours, not 6.
    desk.aurora("add", "--title", "Spring call", "--start", "2027-03-22T09:00",
                "--end", "2027-03-22T10:00", "--timezone", "America/New_York")
    assert desk.sync()["pending"] == 0
    sign_in(page, app_url, account[0], route="#/week/2027-03-22")
    expect(page.get_by_role("button", name="Spring call, 14:00–15:00")).to_be_visible()
    # 09:00 in New York is 15:00 in Berlin, where this browser is.
    page.goto(app_url + WEEK)
    wait_loaded(page)
    call = page.get_by_role("button", name="Call with Boston, 15:00–16:00")
    expect(call).to_be_visible()
    call.click()
    dialog = page.get_by_role("dialog", name="Edit event")
    # The editor keeps the event's own zone and wall clock.
    expect(dialog.get_by_label("Time zone")).to_have_value("America/New_York")
    expect(dialog.get_by_label("Starts")).to_have_value("2026-12-08T09:00")


def test_browser_event_reaches_a_desktop_after_aurora_sync(
        page: Any, app_url: str, account: tuple[str, str], cloud: CloudProcess,
        tmp_path: Path) -> None:
    needs_cli_desktop()
    desk = Computer(tmp_path / "ny", tz="America/New_York")
    desk.login(cloud, account[0])
    desk.sync()
    sign_in(page, app_url, account[0], route=WEEK)
    new_event(page, "Planning from the web", "2026-12-09T11:00", "2026-12-09T12:30")
    expect(page.get_by_role("button", name="Planning from the web, 11:00–12:30")).to_be_visible()
    # An all-day day too: a date, the same on both sides of the ocean.
    page.get_by_role("button", name="New event").click()
    dialog = page.get_by_role("dialog", name="New event")
    dialog.get_by_label("Title").fill("Company holiday")
    dialog.get_by_label("All day").check()
    dialog.get_by_label("Starts").fill("2026-12-11")
    dialog.get_by_label("Ends").fill("2026-12-11")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_role("button", name="Company holiday, All day")).to_be_visible()
    report = desk.sync()
    assert report["pulled"] >= 2, report
    [day] = [e for e in desk.listing("2026-12-01", "2026-12-31", "America/New_York")
             if e["title"] == "Company holiday"]
    assert (day["all_day"], day["start"], day["end"]) == (True, "2026-12-11", "2026-12-12")
    [ev] = [e for e in desk.listing("2026-12-01", "2026-12-31", "America/New_York")
            if e["title"] == "Planning from the web"]
    assert (ev["start"], ev["end"]) == ("2026-12-09T05:00:00-05:00", "2026-12-09T06:30:00-05:00")
    assert ev["timezone"] == "Europe/Berlin"


def test_412_shows_the_server_copy_and_overwrites_nothing(
        page: Any, app_url: str, account: tuple[str, str], cloud: CloudProcess,
        tmp_path: Path) -> None:
    sign_in(page, app_url, account[0], route=WEEK)
    new_event(page, "Budget review", "2026-12-10T10:00", "2026-12-10T11:00")
    page.get_by_role("button", name="Budget review, 10:00–11:00").click()
    dialog = page.get_by_role("dialog", name="Edit event")
    expect(dialog.get_by_label("Title")).to_have_value("Budget review")

    # Meanwhile another device changes it.
    api = ApiUser(cloud, tmp_path, account[0])
    try:
        [occ] = api.occurrences("2026-12-10T00:00:00Z", "2026-12-11T00:00:00Z")
        theirs = api.event(occ["event"]["id"])
        theirs.update(title="Budget review (board)", location="Room 4")
        theirs = api.put(theirs)

        dialog.get_by_label("Location").fill("Room 9")
        dialog.get_by_role("button", name="Save").click()
        alert = dialog.get_by_role("alert")
        expect(alert).to_contain_text("This event was changed elsewhere")
        expect(alert).to_contain_text("Title: now “Budget review (board)”")
        expect(alert).to_contain_text("Location: now “Room 4”")
        # Seen, not only announced: the dialog shows the alert (not still scrolled to Save).
        expect(alert).to_be_in_viewport()
        # The form now shows the server's values; the dialog stays open.
        expect(dialog.get_by_label("Title")).to_have_value("Budget review (board)")
        expect(dialog.get_by_label("Location")).to_have_value("Room 4")
        now = api.event(theirs["id"])
        assert (now["version"], now["title"], now["location"]) == (
            theirs["version"], "Budget review (board)", "Room 4")

        # The user makes the change again on the new version: saved, theirs kept.
        dialog.get_by_label("Location").fill("Room 9")
        dialog.get_by_role("button", name="Save").click()
        expect(dialog).to_have_count(0)
        expect(page.get_by_role("button", name="Budget review (board), 10:00–11:00")).to_be_visible()
        now = api.event(theirs["id"])
        assert (now["title"], now["location"]) == ("Budget review (board)", "Room 9")
    finally:
        api.close()


def test_offline_save_says_so_keeps_the_input_and_saves_nothing(
        page: Any, app_url: str, account: tuple[str, str], cloud: CloudProcess,
        tmp_path: Path) -> None:
    sign_in(page, app_url, account[0], route=WEEK)
    page.get_by_role("button", name="New event").click()
    dialog = page.get_by_role("dialog", name="New event")
    dialog.get_by_label("Title").fill("Written offline")
    dialog.get_by_label("Starts").fill("2026-12-11T16:00")
    dialog.get_by_label("Location").fill("Café")

    # The API (the stack's own origin, outside /app/) is unreachable for the page.
    def unreachable(url: str) -> bool:
        return url.startswith(cloud.url) and "/app/" not in url

    page.route(unreachable, lambda route: route.abort("internetdisconnected"))
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_have_text(re.compile(re.escape(OFFLINE)))
    expect(dialog.get_by_label("Title")).to_have_value("Written offline")
    expect(dialog.get_by_label("Location")).to_have_value("Café")
    expect(dialog.get_by_label("Starts")).to_have_value("2026-12-11T16:00")
    api = ApiUser(cloud, tmp_path, account[0])
    try:
        assert titles_by_day(api) == {}
        # Back online: the same Save works, once.
        page.unroute(unreachable)
        dialog.get_by_role("button", name="Save").click()
        expect(dialog).to_have_count(0)
        expect(page.get_by_role("button", name="Written offline, 16:00–17:00")).to_be_visible()
        assert titles_by_day(api) == {"2026-12-11": ["Written offline"]}
    finally:
        api.close()


# -- phone width, keyboard, system colours ------------------------------------------


def test_phone_width_navigation_and_new_event(new_context: Any, app_url: str,
                                              account: tuple[str, str]) -> None:
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_in(page, app_url, account[0], route=WEEK)
    nav = page.get_by_role("navigation", name="Main")
    h1 = page.get_by_role("main").get_by_role("heading", level=1)
    nav.get_by_role("link", name="Month").click()
    expect(h1).to_have_text("December 2026")
    page.get_by_role("button", name="Next").click()
    expect(h1).to_have_text("January 2027")
    page.get_by_role("button", name="Previous").click()
    nav.get_by_role("link", name="Agenda").click()
    wait_loaded(page)
    nav.get_by_role("link", name="Week").click()
    wait_loaded(page)
    expect(h1).to_have_text(re.compile(r"7\s.*13 Dec 2026"))
    new_event(page, "Run", "2026-12-07T07:00", "2026-12-07T07:45")
    expect(occurrence(page, "Run").first).to_be_visible()
    occurrence(page, "Run").first.tap()
    dialog = page.get_by_role("dialog", name="Edit event")
    expect(dialog.get_by_label("Title")).to_have_value("Run")
    dialog.get_by_role("button", name="Cancel").tap()
    expect(dialog).to_have_count(0)
    # Nothing is wider than the phone: no sideways scrolling of the page.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide at {PHONE['width']} px"


def test_sign_in_with_the_keyboard_alone(page: Any, app_url: str, account: tuple[str, str]) -> None:
    page.goto(app_url + "#/signin")
    expect(page.get_by_label("Email")).to_be_focused()
    page.keyboard.type(account[0])
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(account[1])
    page.keyboard.press("Enter")
    wait_loaded(page)
    # From the top of the page, the first Tab offers to skip to the calendar.
    page.locator("body").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to the calendar")).to_be_focused()


def test_keyboard_alone_new_event_save_and_escape(page: Any, app_url: str,
                                                   account: tuple[str, str]) -> None:
    sign_in(page, app_url, account[0], route=WEEK)
    page.locator("body").focus()

    def tab_to(name: str, limit: int = 40) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            focused = page.evaluate(
                "(() => { const e = document.activeElement; return e && e.tagName === 'BUTTON' "
                "? (e.getAttribute('aria-label') || e.textContent || '').trim() : ''; })()")
            if focused == name:
                return
        raise AssertionError(f"Tab never reached {name!r}")

    tab_to("New event")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="New event")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Title")).to_be_focused()
    page.keyboard.type("Typed only")
    page.keyboard.press("Enter")  # submits the form
    expect(dialog).to_have_count(0)
    saved = occurrence(page, "Typed only")
    expect(saved).to_have_count(1)
    # Focus goes back to where it was.
    expect(page.get_by_role("button", name="New event")).to_be_focused()

    # Space opens it again; Tab stays inside the dialog; Esc closes it, nothing saved.
    page.keyboard.press("Space")
    expect(dialog).to_be_visible()
    page.keyboard.type("Never saved")
    for _ in range(40):
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('[role=dialog]')"), \
            "Tab left the dialog"
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(page.get_by_role("button", name="New event")).to_be_focused()
    expect(occurrence(page, "Never saved")).to_have_count(0)

    # An occurrence is reachable with Tab and opens with Enter.
    saved.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name="Edit event").get_by_label("Title")).to_have_value(
        "Typed only")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_light_and_dark_follow_the_system(new_context: Any, app_url: str,
                                          cloud: CloudProcess) -> None:
    def background(scheme: str) -> float:
        page = new_context(color_scheme=scheme).new_page()
        page.goto(app_url + "#/signin")
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        rgb = page.evaluate("getComputedStyle(document.body).backgroundColor")
        r, g, b = (int(x) for x in re.findall(r"\d+", rgb)[:3])
        return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255

    assert background("light") > 0.8
    assert background("dark") < 0.2


def unnamed_controls(page: Any) -> list[str]:
    """Controls in the accessibility tree (Chromium's own, via CDP) without a name."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    roles = {"button", "link", "textbox", "combobox", "checkbox", "spinbutton", "searchbox",
             "radio", "switch", "slider", "menuitem", "tab", "dialog", "navigation"}
    out = []
    for n in nodes:
        role = (n.get("role") or {}).get("value")
        if n.get("ignored") or role not in roles:
            continue
        if not str((n.get("name") or {}).get("value") or "").strip():
            out.append(f"{role} (backend node {n.get('backendDOMNodeId')})")
    return out


def test_every_control_has_a_name_for_screen_readers(page: Any, app_url: str,
                                                     account: tuple[str, str]) -> None:
    page.goto(app_url + "#/signin")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    seen = {"sign in": unnamed_controls(page)}
    page.goto(app_url + "#/signup")
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    seen["sign up"] = unnamed_controls(page)
    sign_in(page, app_url, account[0], route=WEEK)
    new_event(page, "Standup", "2026-12-07T09:30", "2026-12-07T09:45", Repeat="Daily")
    for name, route in (("week", WEEK), ("month", "#/month/2026-12-01"),
                        ("agenda", "#/agenda/2026-12-07"), ("settings", "#/settings")):
        page.goto(app_url + route)
        wait_loaded(page)
        seen[name] = unnamed_controls(page)
    page.goto(app_url + WEEK)
    wait_loaded(page)
    occurrence(page, "Standup").first.click()
    dialog = page.get_by_role("dialog", name="Edit event")
    dialog.get_by_label("Repeat", exact=True).select_option(label="Weekly")
    seen["editor"] = unnamed_controls(page)
    dialog.get_by_label("Repeat", exact=True).select_option(label="Daily")
    dialog.get_by_label("Title").fill("Standup (moved)")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_role("dialog", name="Change a repeating event")).to_be_visible()
    seen["scope question"] = unnamed_controls(page)
    assert {k: v for k, v in seen.items() if v} == {}


def test_server_error_on_save_is_one_sentence_and_saves_nothing(
        page: Any, app_url: str, account: tuple[str, str], cloud: CloudProcess,
        tmp_path: Path) -> None:
    sign_in(page, app_url, account[0], route=WEEK)
    page.get_by_role("button", name="New event").click()
    dialog = page.get_by_role("dialog", name="New event")
    dialog.get_by_label("Title").fill("Board meeting")
    dialog.get_by_label("Starts").fill("2026-12-09T08:00")

    def broken(route: Any) -> None:
        if route.request.method == "PUT":
            route.fulfill(status=500, content_type="application/problem+json",
                          body='{"type":"about:blank","title":"Internal Server Error","status":500}')
        else:
            route.fallback()

    page.route(re.compile(r"/events/[^/?]+$"), broken)
    dialog.get_by_role("button", name="Save").click()
    alert = dialog.get_by_role("alert")
    expect(alert).to_have_text("The server had a problem. Nothing was saved; try again later.")
    expect(dialog.get_by_label("Title")).to_have_value("Board meeting")
    api = ApiUser(cloud, tmp_path, account[0])
    try:
        assert titles_by_day(api) == {}
    finally:
        api.close()


def test_offline_while_loading_says_so_and_try_again_recovers(
        page: Any, app_url: str, account: tuple[str, str], cloud: CloudProcess) -> None:
    sign_in(page, app_url, account[0], route=WEEK)
    new_event(page, "Next week's thing", "2026-12-15T10:00", None)
    h1 = page.get_by_role("main").get_by_role("heading", level=1)

    def unreachable(url: str) -> bool:
        return url.startswith(cloud.url) and "/app/" not in url

    page.route(unreachable, lambda route: route.abort("internetdisconnected"))
    page.get_by_role("button", name="Next").click()
    expect(h1).to_have_text(re.compile(r"14\s.*20 Dec 2026"))
    expect(page.get_by_role("alert")).to_have_text("You are offline or the server cannot be reached.")
    expect(occurrence(page, "Next week's thing")).to_have_count(0)
    page.unroute(unreachable)
    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_role("button", name="Next week's thing, 10:00–11:00")).to_be_visible()


def test_settings_time_zone_changes_the_times_shown(
        page: Any, app_url: str, account: tuple[str, str], cloud: CloudProcess,
        tmp_path: Path) -> None:
    sign_in(page, app_url, account[0], route=WEEK)
    new_event(page, "Berlin meeting", "2026-12-08T15:00", "2026-12-08T16:00")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    page.get_by_label("Time zone").select_option(value="America/New_York")
    page.get_by_role("checkbox", name="Email reminders").uncheck()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status").filter(has_text=re.compile(r"^Saved$"))).to_be_visible()
    api = ApiUser(cloud, tmp_path, account[0])
    try:
        stored = api.call("GET", "/me/settings").json()
        assert (stored["timezone"], stored["reminder_email"]) == ("America/New_York", False)
    finally:
        api.close()
    page.goto(app_url + WEEK)
    wait_loaded(page)
    # The account's zone, not the browser's (Berlin), is the display zone.
    expect(page.get_by_role("button", name="Berlin meeting, 09:00–10:00")).to_be_visible()
    page.reload()
    wait_loaded(page)
    expect(page.get_by_role("button", name="Berlin meeting, 09:00–10:00")).to_be_visible()


def test_desktop_series_edited_once_in_the_browser_syncs_back(
        page: Any, app_url: str, account: tuple[str, str], cloud: CloudProcess,
        tmp_path: Path) -> None:
    """The browser's override and EXDATE, read by the desktop's own recurrence code."""
    needs_cli_desktop()
    desk = Computer(tmp_path / "berlin", tz="Europe/Berlin")
    desk.login(cloud, account[0])
    # `aurora add --title` makes single events; a repeat comes from quick add.
    desk.aurora("add", "Review every weekday at 9:30 from 7 December 2026")
    week = desk.listing("2026-12-07", "2026-12-11", "Europe/Berlin")
    assert [e["start"][:16] for e in week] == [f"2026-12-{d:02d}T09:30" for d in range(7, 12)], week
    desk.sync()

    sign_in(page, app_url, account[0], route=WEEK)
    reviews = occurrence(page, "Review")
    expect(reviews).to_have_count(5)
    reviews.nth(2).click()
    dialog = page.get_by_role("dialog", name="Edit event")
    expect(dialog.get_by_label("Starts")).to_have_value("2026-12-09T09:30")
    dialog.get_by_label("Title").fill("Review (long)")
    dialog.get_by_label("Location").fill("Room 2")
    dialog.get_by_role("button", name="Save").click()
    page.get_by_role("dialog", name="Change a repeating event").get_by_role(
        "button", name="Only this event").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(reviews).to_have_count(4)
    reviews.nth(2).click()  # Thursday
    dialog = page.get_by_role("dialog", name="Edit event")
    expect(dialog.get_by_label("Starts")).to_have_value("2026-12-10T09:30")
    dialog.get_by_role("button", name="Delete").click()
    page.get_by_role("dialog", name="Delete a repeating event").get_by_role(
        "button", name="Only this event").click()
    expect(reviews).to_have_count(3)

    desk.sync()
    got = [(e["start"][:16], e["title"], e["location"])
           for e in desk.listing("2026-12-07", "2026-12-13", "Europe/Berlin")]
    assert got == [("2026-12-07T09:30", "Review", ""), ("2026-12-08T09:30", "Review", ""),
                   ("2026-12-09T09:30", "Review (long)", "Room 2"),
                   ("2026-12-11T09:30", "Review", "")], got


def test_new_event_goes_to_a_calendar_that_is_shown(
        page: Any, app_url: str, account: tuple[str, str], cloud: CloudProcess,
        tmp_path: Path) -> None:
    """Hiding a calendar in the side panel and then making an event must not put the new
    event where it cannot be seen."""
    api = ApiUser(cloud, tmp_path, account[0])
    try:
        for name in ("Personal", "Family"):
            cid = str(uuid.uuid4())
            resp = api.call("PUT", f"/calendars/{cid}", json_body={"id": cid, "name": name},
                            headers={"If-None-Match": "*"})
            assert resp.status_code in (200, 201), resp.text
    finally:
        api.close()
    sign_in(page, app_url, account[0], route=WEEK)
    # Hide the calendar a new event would go to by default.
    page.get_by_role("button", name="New event").click()
    dialog = page.get_by_role("dialog", name="New event")
    default = dialog.get_by_label("Calendar").evaluate("(s) => s.options[s.selectedIndex].text")
    dialog.get_by_role("button", name="Cancel").click()
    page.get_by_role("checkbox", name=default).uncheck()
    page.get_by_role("button", name="New event").click()
    chosen = dialog.get_by_label("Calendar").evaluate("(s) => s.options[s.selectedIndex].text")
    assert chosen != default, f"a new event still goes to {default!r}, which is hidden"
    dialog.get_by_role("button", name="Cancel").click()
    new_event(page, "Shown somewhere", "2026-12-08T10:00", "2026-12-08T11:00")
    expect(page.get_by_role("button", name="Shown somewhere, 10:00–11:00")).to_be_visible()


def test_titles_and_notes_are_text_never_markup(
        page: Any, app_url: str, account: tuple[str, str], cloud: CloudProcess,
        tmp_path: Path) -> None:
    """What another device wrote is shown as text: no element, no script from it."""
    evil = '<img src=x onerror="window.__pwned=1">Party & <b>cake</b>'
    api = ApiUser(cloud, tmp_path, account[0])
    try:
        cals = api.call("GET", "/calendars").json()["calendars"]
        if cals:
            cid = cals[0]["id"]
        else:
            cid = str(uuid.uuid4())
            assert api.call("PUT", f"/calendars/{cid}", json_body={"id": cid, "name": "Personal"},
                            headers={"If-None-Match": "*"}).status_code in (200, 201)
        eid = str(uuid.uuid4())
        resp = api.call("PUT", f"/events/{eid}", headers={"If-None-Match": "*"}, json_body={
            "id": eid, "calendar_id": cid, "title": evil, "location": evil, "notes": evil,
            "start": "2026-12-09T18:00:00+01:00", "end": "2026-12-09T19:00:00+01:00",
            "timezone": "Europe/Berlin"})
        assert resp.status_code in (200, 201), resp.text
    finally:
        api.close()
    dialogs: list[str] = []

    def on_dialog(d: Any) -> None:
        dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    sign_in(page, app_url, account[0], route=WEEK)
    for route in (WEEK, "#/month/2026-12-01", "#/agenda/2026-12-07"):
        page.goto(app_url + route)
        wait_loaded(page)
        expect(page.get_by_role("button", name=f"{evil}, 18:00–19:00")).to_be_visible()
        assert page.locator("main img, main b").count() == 0
    page.get_by_role("button", name=f"{evil}, 18:00–19:00").click()
    dialog = page.get_by_role("dialog", name="Edit event")
    expect(dialog.get_by_label("Title")).to_have_value(evil)
    expect(dialog.get_by_label("Notes")).to_have_value(evil)
    assert page.evaluate("window.__pwned === undefined") and dialogs == []


def test_scope_question_by_keyboard(page: Any, app_url: str, account: tuple[str, str]) -> None:
    sign_in(page, app_url, account[0], route=WEEK)
    new_event(page, "Daily", "2026-12-07T08:00", "2026-12-07T08:30", Repeat="Daily")
    occurrence(page, "Daily").nth(1).focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Edit event")
    expect(dialog.get_by_label("Title")).to_be_focused()
    page.keyboard.press("End")
    page.keyboard.type(" (moved)")
    page.keyboard.press("Enter")
    scope = page.get_by_role("dialog", name="Change a repeating event")
    expect(scope.get_by_role("button", name="Only this event")).to_be_focused()
    for _ in range(6):  # Tab stays inside the question
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('[role=dialog]')?.id || "
                             "document.activeElement.closest('[role=dialog]')?.getAttribute('aria-labelledby')"
                             ) == "scope-heading"
    page.keyboard.press("Escape")  # closes the question only; the edit is still there
    expect(scope).to_have_count(0)
    expect(dialog.get_by_label("Title")).to_have_value("Daily (moved)")
    dialog.get_by_role("button", name="Save").focus()
    page.keyboard.press("Enter")
    expect(scope.get_by_role("button", name="Only this event")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(occurrence(page, "Daily (moved)")).to_have_count(1)


def test_weekly_repeat_on_chosen_days_with_reminders(
        page: Any, app_url: str, account: tuple[str, str], cloud: CloudProcess,
        tmp_path: Path) -> None:
    sign_in(page, app_url, account[0], route=WEEK)
    page.get_by_role("button", name="New event").click()
    dialog = page.get_by_role("dialog", name="New event")
    dialog.get_by_label("Title").fill("Gym")
    dialog.get_by_label("Starts").fill("2026-12-07T18:00")
    dialog.get_by_label("Repeat", exact=True).select_option(label="Weekly")
    expect(dialog.get_by_role("checkbox", name="Mon")).to_be_checked()  # the start's day
    dialog.get_by_role("checkbox", name="Wed").check()
    dialog.get_by_label("Repeat ends").select_option(label="After")
    dialog.get_by_label("Occurrences").fill("4")
    dialog.get_by_label("Email reminder").select_option(label="1 hour before")
    dialog.get_by_label("Notification").select_option(label="5 minutes before")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_have_count(0)
    gym = page.get_by_role("button", name="Gym, 18:00–19:00")
    h1 = page.get_by_role("main").get_by_role("heading", level=1)
    expect(gym).to_have_count(2)
    page.get_by_role("button", name="Next").click()
    expect(h1).to_have_text(re.compile(r"14\s.*20 Dec 2026"))
    wait_loaded(page)
    expect(gym).to_have_count(2)
    page.get_by_role("button", name="Next").click()
    expect(h1).to_have_text(re.compile(r"21\s.*27 Dec 2026"))
    wait_loaded(page)
    expect(gym).to_have_count(0)  # four in all

    api = ApiUser(cloud, tmp_path, account[0])
    try:
        occs = api.occurrences("2026-12-01T00:00:00Z", "2027-01-31T00:00:00Z")
        assert [o["start"][:10] for o in occs] == ["2026-12-07", "2026-12-09", "2026-12-14",
                                                   "2026-12-16"]
        ev = api.event(occs[0]["event"]["id"])
        assert sorted((r["minutes_before"], r.get("channel")) for r in ev["reminders"]) == [
            (5, "notification"), (60, "email")]
    finally:
        api.close()
    page.get_by_role("button", name="Previous").click()
    expect(h1).to_have_text(re.compile(r"14\s.*20 Dec 2026"))
    wait_loaded(page)
    gym.first.click()
    dialog = page.get_by_role("dialog", name="Edit event")
    expect(dialog.get_by_label("Email reminder")).to_have_value("60")
    expect(dialog.get_by_label("Notification")).to_have_value("5")
    expect(dialog.get_by_role("checkbox", name="Wed")).to_be_checked()
    expect(dialog.get_by_role("checkbox", name="Tue")).not_to_be_checked()


def test_all_events_moves_the_series_and_keeps_a_changed_occurrence(
        page: Any, app_url: str, account: tuple[str, str], cloud: CloudProcess,
        tmp_path: Path) -> None:
    sign_in(page, app_url, account[0], route=WEEK)
    page.get_by_role("button", name="New event").click()
    dialog = page.get_by_role("dialog", name="New event")
    dialog.get_by_label("Title").fill("Sync")
    dialog.get_by_label("Starts").fill("2026-12-07T09:00")
    dialog.get_by_label("Ends").fill("2026-12-07T09:30")
    dialog.get_by_label("Repeat", exact=True).select_option(label="Daily")
    dialog.get_by_label("Repeat ends").select_option(label="After")
    dialog.get_by_label("Occurrences").fill("5")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_have_count(0)
    syncs = occurrence(page, "Sync")
    expect(syncs).to_have_count(5)
    # Wednesday gets its own title.
    syncs.nth(2).click()
    dialog = page.get_by_role("dialog", name="Edit event")
    dialog.get_by_label("Title").fill("Sync (demo)")
    dialog.get_by_role("button", name="Save").click()
    page.get_by_role("dialog", name="Change a repeating event").get_by_role(
        "button", name="Only this event").click()
    expect(page.get_by_role("button", name="Sync (demo), 09:00–09:30")).to_have_count(1)
    # Then the whole series moves an hour later, from Monday.
    syncs.first.click()
    dialog = page.get_by_role("dialog", name="Edit event")
    dialog.get_by_label("Starts").fill("2026-12-07T10:00")
    dialog.get_by_role("button", name="Save").click()
    page.get_by_role("dialog", name="Change a repeating event").get_by_role(
        "button", name="All events").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("button", name="Sync, 10:00–10:30")).to_have_count(4)
    expect(page.get_by_role("button", name="Sync (demo), 10:00–10:30")).to_have_count(1)
    api = ApiUser(cloud, tmp_path, account[0])
    try:
        got = [(o["start"][:16], o["event"]["title"])
               for o in api.occurrences("2026-12-07T00:00:00Z", "2026-12-14T00:00:00Z")]
        assert got == [("2026-12-07T10:00", "Sync"), ("2026-12-08T10:00", "Sync"),
                       ("2026-12-09T10:00", "Sync (demo)"), ("2026-12-10T10:00", "Sync"),
                       ("2026-12-11T10:00", "Sync")], got
    finally:
        api.close()


def test_event_in_a_subscribed_calendar_opens_read_only(
        page: Any, app_url: str, account: tuple[str, str], cloud: CloudProcess,
        tmp_path: Path) -> None:
    api = ApiUser(cloud, tmp_path, account[0])
    try:
        cid = str(uuid.uuid4())
        resp = api.call("PUT", f"/calendars/{cid}", headers={"If-None-Match": "*"}, json_body={
            "id": cid, "name": "Holidays", "read_only": True,
            "source_url": "https://calendars.example.com/holidays.ics"})
        assert resp.status_code in (200, 201), resp.text
        eid = str(uuid.uuid4())
        resp = api.call("PUT", f"/events/{eid}", headers={"If-None-Match": "*"}, json_body={
            "id": eid, "calendar_id": cid, "title": "Boxing Day", "start": "2026-12-26",
            "end": "2026-12-27", "all_day": True})
        assert resp.status_code in (200, 201), resp.text
    finally:
        api.close()
    sign_in(page, app_url, account[0], route="#/month/2026-12-01")
    page.get_by_role("button", name="Boxing Day, All day").click()
    dialog = page.get_by_role("dialog", name="Edit event")
    expect(dialog).to_contain_text("read-only")
    expect(dialog.get_by_label("Title")).to_be_disabled()
    expect(dialog.get_by_role("button", name="Save")).to_have_count(0)
    expect(dialog.get_by_role("button", name="Delete")).to_have_count(0)
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_have_count(0)
    # A new event never goes there.
    page.get_by_role("button", name="New event").click()
    options = page.get_by_role("dialog", name="New event").get_by_label("Calendar").locator("option")
    expect(options.filter(has_text="Holidays")).to_have_count(0)


def test_delete_after_a_change_elsewhere_deletes_nothing_until_asked_again(
        page: Any, app_url: str, account: tuple[str, str], cloud: CloudProcess,
        tmp_path: Path) -> None:
    sign_in(page, app_url, account[0], route=WEEK)
    new_event(page, "Retro", "2026-12-11T15:00", "2026-12-11T16:00")
    page.get_by_role("button", name="Retro, 15:00–16:00").click()
    dialog = page.get_by_role("dialog", name="Edit event")
    api = ApiUser(cloud, tmp_path, account[0])
    try:
        [occ] = api.occurrences("2026-12-11T00:00:00Z", "2026-12-12T00:00:00Z")
        theirs = api.event(occ["event"]["id"])
        theirs.update(notes="Agenda: the release")
        theirs = api.put(theirs)
        dialog.get_by_role("button", name="Delete").click()
        alert = dialog.get_by_role("alert")
        expect(alert).to_contain_text("This event was changed elsewhere")
        expect(alert).to_contain_text("Nothing was deleted")
        expect(dialog.get_by_label("Notes")).to_have_value("Agenda: the release")
        assert api.event(theirs["id"])["deleted"] is False
        dialog.get_by_role("button", name="Delete").click()  # now on the version seen
        expect(dialog).to_have_count(0)
        expect(occurrence(page, "Retro")).to_have_count(0)
        assert api.occurrences("2026-12-11T00:00:00Z", "2026-12-12T00:00:00Z") == []
    finally:
        api.close()


def test_signed_out_everywhere_elsewhere_ends_this_session_with_a_sentence(
        page: Any, app_url: str, account: tuple[str, str], cloud: CloudProcess,
        tmp_path: Path) -> None:
    sign_in(page, app_url, account[0], route=WEEK)
    # Tokens from the same second as the sign-out still pass (docs/cloud.md: iat has
    # whole seconds, so signing in again at once works): let a second go by.
    time.sleep(1.1)
    api = ApiUser(cloud, tmp_path, account[0])
    try:
        assert api.call("POST", "/me/signout").status_code == 204
    finally:
        api.close()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    alert = page.get_by_role("alert")
    expect(alert).to_have_text(re.compile(r"^[A-Z][^{}<>]{10,200}[.!]$"))
    expect(page.get_by_label("Email")).to_have_value(account[0])
    assert page.evaluate("sessionStorage.length + localStorage.length") == 0
    # Signing in again brings back the period asked for.
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    wait_loaded(page)
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_have_text(
        re.compile(r"14\s.*20 Dec 2026"))
