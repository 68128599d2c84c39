"""Subscriptions against a feed server the test starts on 127.0.0.1: every case the issue
lists (changing content, 304, 404, 500, a timeout, a redirect, gzip, a 50 MB body cut
at the limit, broken content), what stays after a failure, and what never syncs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aurora_core.model import Event, ValidationError
from aurora_desktop.store import ReminderState, Store
from aurora_desktop.subscriptions import FetchError, fetch, normalise_url, refresh, refresh_all, subscribe
from tests.helpers.feed_server import FeedServer, Route, ics
from tests.helpers.stores import make_store

HOLIDAYS = ics(("new-year", "New Year", "20270101"), ("may-day", "May Day", "20270501"),
               name="Holidays")



@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with make_store(tmp_path / "a.sqlite3") as s:
        yield s


def titles(store: Store, cal_id: str) -> list[str]:
    return sorted(e.title for e in store.events(cal_id))


def test_subscribe_takes_the_content_and_its_name(server: FeedServer, store: Store) -> None:
    server.routes["/h.ics"] = Route(HOLIDAYS, etag='"v1"')
    done = subscribe(store, server.url("/h.ics"))
    assert done.error is None and done.calendar.name == "Holidays"
    assert titles(store, done.calendar.id) == ["May Day", "New Year"]
    cal = store.calendar(done.calendar.id)
    assert cal.read_only
    sub = store.subscription(cal.id)
    assert sub is not None and sub.url == server.url("/h.ics") and sub.etag == '"v1"'
    # A name given wins over the content's.
    server.routes["/h2.ics"] = Route(HOLIDAYS)
    assert subscribe(store, server.url("/h2.ics"), name="Days off").calendar.name == "Days off"


def test_changing_content_replaces_events_keeping_ids_of_the_unchanged(
        server: FeedServer, store: Store) -> None:
    server.routes["/h.ics"] = Route(HOLIDAYS, etag='"v1"')
    cal = subscribe(store, server.url("/h.ics")).calendar
    before = {e.title: e.id for e in store.events(cal.id)}
    ny = next(e for e in store.events(cal.id) if e.title == "New Year")
    key = f"{ny.uid}/"
    store.set_reminder_states([ReminderState(key, "15:notification", "dismissed",
                                             datetime(2026, 12, 31, 23, 45, tzinfo=UTC))])
    server.routes["/h.ics"] = Route(ics(("new-year", "New Year", "20270101"),
                                        ("xmas", "Christmas", "20271225")), etag='"v2"')
    done = refresh(store, cal.id)
    assert done.changed and done.error is None
    assert titles(store, cal.id) == ["Christmas", "New Year"]
    after = {e.title: e.id for e in store.events(cal.id)}
    assert after["New Year"] == before["New Year"]
    assert (key, "15:notification") in store.reminder_states()
    assert store.subscription(cal.id).etag == '"v2"'  # type: ignore[union-attr]


def test_304_costs_one_request_and_no_parsing(server: FeedServer, store: Store,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    server.routes["/h.ics"] = Route(HOLIDAYS, etag='"v1"', last_modified="Tue, 01 Dec 2026 10:00:00 GMT")
    cal = subscribe(store, server.url("/h.ics")).calendar
    import aurora_core.ical as subs

    def no_parse(*a: object, **k: object) -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr(subs, "parse_ics", no_parse)
    hits = server.hits["/h.ics"]
    done = refresh(store, cal.id)
    assert done.error is None and not done.changed
    assert server.hits["/h.ics"] == hits + 1
    sent = server.requests[-1][1]
    assert sent.get("If-None-Match") == '"v1"'
    assert sent.get("If-Modified-Since") == "Tue, 01 Dec 2026 10:00:00 GMT"
    assert titles(store, cal.id) == ["May Day", "New Year"]


def test_last_modified_alone_gives_304(server: FeedServer, store: Store) -> None:
    server.routes["/h.ics"] = Route(HOLIDAYS, last_modified="Tue, 01 Dec 2026 10:00:00 GMT")
    cal = subscribe(store, server.url("/h.ics")).calendar
    assert not refresh(store, cal.id).changed
    assert server.requests[-1][1].get("If-Modified-Since") == "Tue, 01 Dec 2026 10:00:00 GMT"


def test_same_body_without_validators_is_not_parsed_again(
        server: FeedServer, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    server.routes["/h.ics"] = Route(HOLIDAYS)
    cal = subscribe(store, server.url("/h.ics")).calendar
    import aurora_core.ical as subs

    monkeypatch.setattr(subs, "parse_ics", lambda *a, **k: (_ for _ in ()).throw(AssertionError))
    assert not refresh(store, cal.id).changed


@pytest.mark.parametrize(("status", "words"), [(404, "no calendar at this address (HTTP 404)"),
                                                (500, "answered HTTP 500")])
def test_server_errors_keep_the_last_good_content(server: FeedServer, store: Store,
                                                  status: int, words: str) -> None:
    server.routes["/h.ics"] = Route(HOLIDAYS)
    cal = subscribe(store, server.url("/h.ics")).calendar
    server.routes["/h.ics"] = Route(status=status)
    done = refresh(store, cal.id)
    assert done.error is not None and words in done.error
    assert titles(store, cal.id) == ["May Day", "New Year"]
    assert store.subscription_errors() == {cal.id: done.error}
    # The next good refresh clears the reason.
    server.routes["/h.ics"] = Route(ics(("a", "Back", "20270102")))
    assert refresh(store, cal.id).error is None
    assert store.subscription_errors() == {}
    assert titles(store, cal.id) == ["Back"]


def test_a_server_that_does_not_answer_times_out(server: FeedServer, store: Store) -> None:
    server.routes["/h.ics"] = Route(HOLIDAYS)
    cal = subscribe(store, server.url("/h.ics")).calendar
    server.routes["/h.ics"] = Route(stall=True)
    done = refresh(store, cal.id, timeout=0.5)
    server.release.set()
    assert done.error is not None and "did not answer within 0.5 s" in done.error
    assert titles(store, cal.id) == ["May Day", "New Year"]


def test_a_server_that_is_down(store: Store) -> None:
    server = FeedServer().start()
    url = server.url("/h.ics")
    server.routes["/h.ics"] = Route(HOLIDAYS)
    cal = subscribe(store, url).calendar
    server.stop()
    done = refresh(store, cal.id)
    assert done.error == "cannot reach 127.0.0.1: Connection refused"
    assert titles(store, cal.id) == ["May Day", "New Year"]


def test_redirects_are_followed_and_bounded(server: FeedServer, store: Store) -> None:
    server.routes["/old.ics"] = Route(status=301, redirect="/new.ics")
    server.routes["/new.ics"] = Route(HOLIDAYS)
    cal = subscribe(store, server.url("/old.ics")).calendar
    assert titles(store, cal.id) == ["May Day", "New Year"]
    # Moved for good (301): the new address is asked from now on; a 302 changes nothing.
    assert store.subscription(cal.id).url == server.url("/new.ics")  # type: ignore[union-attr]
    server.routes["/new.ics"] = Route(status=302, redirect="/newer.ics")
    server.routes["/newer.ics"] = Route(HOLIDAYS)
    assert refresh(store, cal.id).error is None
    assert store.subscription(cal.id).url == server.url("/new.ics")  # type: ignore[union-attr]
    server.routes["/loop"] = Route(status=302, redirect="/loop")
    with pytest.raises(FetchError, match="redirects more than 5 times"):
        fetch(server.url("/loop"))


def test_gzip_body(server: FeedServer, store: Store) -> None:
    server.routes["/h.ics"] = Route(HOLIDAYS, gzip=True)
    cal = subscribe(store, server.url("/h.ics")).calendar
    assert titles(store, cal.id) == ["May Day", "New Year"]
    assert "gzip" in server.requests[-1][1].get("Accept-Encoding", "")


def test_a_50_mb_body_is_cut_at_the_limit(server: FeedServer, store: Store) -> None:
    server.routes["/h.ics"] = Route(HOLIDAYS)
    cal = subscribe(store, server.url("/h.ics")).calendar
    server.routes["/h.ics"] = Route(stream_bytes=50 * 1024 * 1024)
    done = refresh(store, cal.id)
    assert done.error is not None and "larger than the 20 MB" in done.error
    assert server.sent["/h.ics"] < 50 * 1024 * 1024
    assert titles(store, cal.id) == ["May Day", "New Year"]


def test_a_gzip_bomb_is_cut_at_the_limit(server: FeedServer) -> None:
    server.routes["/bomb"] = Route(b"BEGIN:VCALENDAR\r\n" + b"\r\n" * (3 * 1024 * 1024), gzip=True)
    with pytest.raises(FetchError, match="larger than the 1 MB"):
        fetch(server.url("/bomb"), max_bytes=1024 * 1024)


def test_broken_content_keeps_the_last_good_one(server: FeedServer, store: Store) -> None:
    server.routes["/h.ics"] = Route(HOLIDAYS)
    cal = subscribe(store, server.url("/h.ics")).calendar
    server.routes["/h.ics"] = Route(b"<html><body>Please sign in</body></html>")
    done = refresh(store, cal.id)
    assert done.error is not None and "gave no calendar data" in done.error
    assert titles(store, cal.id) == ["May Day", "New Year"]
    # Partly broken: what can be read is taken, the rest counted.
    server.routes["/h.ics"] = Route(HOLIDAYS.replace(b"DTSTART;VALUE=DATE:20270501",
                                                     b"DTSTART;VALUE=DATE:2027-99-99"))
    done = refresh(store, cal.id)
    assert done.error is None and done.skipped >= 1
    assert "New Year" in titles(store, cal.id)


def test_subscribing_to_a_bad_address_keeps_nothing(server: FeedServer, store: Store) -> None:
    before = [c.id for c in store.calendars()]
    for bad in ("ftp://example.com/x.ics", "not a url", "https://"):
        with pytest.raises(FetchError):
            subscribe(store, bad)
    with pytest.raises(FetchError, match="HTTP 404"):
        subscribe(store, server.url("/missing.ics"))
    assert [c.id for c in store.calendars()] == before


def test_webcal_means_https() -> None:
    assert normalise_url(" webcal://example.com/h.ics ") == "https://example.com/h.ics"
    assert normalise_url("http://example.com/h.ics") == "http://example.com/h.ics"


def test_subscription_events_cannot_be_edited_and_are_never_pending(
        server: FeedServer, store: Store) -> None:
    server.routes["/h.ics"] = Route(HOLIDAYS)
    cal = subscribe(store, server.url("/h.ics")).calendar
    assert not [p for p in store.pending() if p[0] == "event"]
    ev: Event = store.events(cal.id)[0]
    with pytest.raises(ValidationError, match="read-only"):
        store.put_event(ev.replace(title="Mine now"))
    # Signing in adopts the subscription like the other calendars: the calendar (its
    # address, name, colour) goes to the account, its events never do.
    store.adopt_local_calendars("https://server|me")
    assert store.calendar_account(cal.id) == "https://server|me"
    assert ("calendar", cal.id) in store.pending("calendar")
    assert not store.pending("event")
    out = {o.id: o for o in store.outgoing("https://server|me")}
    assert out[cal.id].content is not None
    assert out[cal.id].content["source_url"] == server.url("/h.ics")
    assert not [o for o in out.values() if o.entity == "event"]
    assert store.default_calendar().id != cal.id


def test_same_feed_twice_stays_apart(server: FeedServer, store: Store) -> None:
    server.routes["/a.ics"] = Route(HOLIDAYS)
    server.routes["/b.ics"] = Route(HOLIDAYS)
    a = subscribe(store, server.url("/a.ics")).calendar
    b = subscribe(store, server.url("/b.ics")).calendar
    server.routes["/b.ics"] = Route(ics())
    refresh(store, b.id)
    assert titles(store, a.id) == ["May Day", "New Year"] and titles(store, b.id) == []
    with pytest.raises(ValidationError, match="already subscribed"):
        subscribe(store, server.url("/a.ics"))


def test_refresh_all_reports_each_failure_and_unsubscribe(server: FeedServer,
                                                          store: Store) -> None:
    server.routes["/a.ics"] = Route(HOLIDAYS)
    server.routes["/b.ics"] = Route(HOLIDAYS)
    a = subscribe(store, server.url("/a.ics"), name="A").calendar
    b = subscribe(store, server.url("/b.ics"), name="B").calendar
    server.routes["/b.ics"] = Route(status=500)
    out = {r.calendar.name: r.error for r in refresh_all(store)}
    assert out["A"] is None and out["B"] is not None
    store.remove_subscription(b.id)
    assert [s.calendar.id for s in store.subscriptions()] == [a.id]
    assert store.events(b.id) == []


def test_ten_thousand_unchanged_events_304(server: FeedServer, store: Store,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    many = ics(*[(f"e{i}", f"Event {i}", f"2027{1 + i % 12:02d}{1 + i % 28:02d}")
                 for i in range(10_000)])
    server.routes["/big.ics"] = Route(many, etag='"big"')
    cal = subscribe(store, server.url("/big.ics")).calendar
    assert store.count_events(cal.id) == 10_000
    import aurora_core.ical as subs

    monkeypatch.setattr(subs, "parse_ics", lambda *a, **k: (_ for _ in ()).throw(AssertionError))
    hits = server.hits["/big.ics"]
    assert refresh(store, cal.id).error is None
    assert server.hits["/big.ics"] == hits + 1


def test_a_version_3_store_gains_subscriptions_with_its_calendars_unchanged(
        tmp_path: Path) -> None:
    import sqlite3

    from aurora_desktop.store.schema import MIGRATIONS, SCHEMA_VERSION

    path = tmp_path / "v3.db"
    db = sqlite3.connect(path, isolation_level=None)
    for m in MIGRATIONS[:3]:
        m(db)
    db.execute("PRAGMA user_version = 3")
    db.execute("INSERT INTO meta VALUES ('initialised', '1')")
    db.execute("INSERT INTO calendars (id, name, color, updated) VALUES ('c1', 'Work', '#3b82f6', 0)")
    db.close()
    with Store(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert [c.name for c in s.calendars()] == ["Work"]
        assert s.subscriptions() == [] and s.subscription("c1") is None


def test_deleting_a_subscription_calendar_unsubscribes_leaving_nothing_to_sync(
        server: FeedServer, store: Store) -> None:
    server.routes["/h.ics"] = Route(HOLIDAYS)
    cal = subscribe(store, server.url("/h.ics")).calendar
    store.put_calendar(store.calendar(cal.id).__class__(cal.id, "Renamed", "#ff0000", False,
                                                        True))
    assert store.delete_calendar(cal.id) == 2
    assert store.subscriptions() == [] and store.events(cal.id) == []
    assert [p for p in store.pending() if p[1] == cal.id or p[0] == "event"] == []
    # Subscribing again starts afresh.
    assert subscribe(store, server.url("/h.ics")).error is None


def test_own_reminders_on_a_subscribed_event_survive_refreshes(server: FeedServer,
                                                               store: Store) -> None:
    from aurora_core.model import Reminder

    server.routes["/h.ics"] = Route(HOLIDAYS)
    cal = subscribe(store, server.url("/h.ics")).calendar
    ny = next(e for e in store.events(cal.id) if e.title == "New Year")
    store.set_subscription_reminders(ny.id, [Reminder(60)])
    assert store.get_event(ny.id).reminders == (Reminder(60),)
    assert not [p for p in store.pending() if p[0] == "event"]
    server.routes["/h.ics"] = Route(HOLIDAYS.replace(b"SUMMARY:New Year", b"SUMMARY:New Year's Day"))
    assert refresh(store, cal.id).changed
    ev = store.get_event(ny.id)
    assert ev.title == "New Year's Day" and ev.reminders == (Reminder(60),)
    with pytest.raises(ValidationError, match="not email"):
        store.set_subscription_reminders(ny.id, [Reminder(60, "email")])
    mine = store.put_event(Event.new(calendar_id=store.default_calendar().id, title="Mine",
                                     start=ev.start, end=ev.end))
    with pytest.raises(ValidationError, match="not one of a subscribed calendar"):
        store.set_subscription_reminders(mine.id, [Reminder(5)])


def test_a_change_only_in_properties_the_model_does_not_show_is_taken(
        server: FeedServer, store: Store) -> None:
    server.routes["/h.ics"] = Route(HOLIDAYS)
    cal = subscribe(store, server.url("/h.ics")).calendar
    server.routes["/h.ics"] = Route(HOLIDAYS.replace(b"SUMMARY:New Year\r\n",
                                                     b"SUMMARY:New Year\r\nCATEGORIES:Public\r\n"))
    done = refresh(store, cal.id)
    assert done.events == 1
    ny = next(e for e in store.events(cal.id) if e.title == "New Year")
    assert any("CATEGORIES:Public" in line for line in ny.extra)
