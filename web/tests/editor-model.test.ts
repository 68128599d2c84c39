import { describe, expect, it } from "vitest";
import type { EventWire, OccurrenceWire } from "../src/api/types";
import {
  describeChanges, eventToForm, formToEvent, formToRule, newForm, ruleToForm, validate, writableCalendars,
} from "../src/editor/model";
import type { Form } from "../src/editor/model";
import { planAll, planDeleteAll, planDeleteOne, planOnlyThis, planSingle, moveRule } from "../src/editor/series";

const ID = "11111111-1111-4111-8111-111111111111";
const ID2 = "22222222-2222-4222-8222-222222222222";
const ID3 = "33333333-3333-4333-8333-333333333333";

const master: EventWire = {
  id: ID, uid: "series-uid", calendar_id: "work", title: "Standup", start: "2026-12-01T09:30:00+01:00",
  end: "2026-12-01T09:45:00+01:00", timezone: "Europe/Berlin", all_day: false, rrule: "FREQ=WEEKLY;BYDAY=TU,TH",
  exdates: [], rdates: [], reminders: [{ minutes_before: 10, channel: "notification" }, { minutes_before: 45, channel: "email" }],
  ical_extra: ["X-FOO:bar"], version: 7, location: "Room 1", notes: "",
};
const occOf = (start: string, end: string, ev: EventWire = master, rid: string | null = start): OccurrenceWire =>
  ({ event: ev, start, end, recurrence_id: rid });

describe("repeat rules <-> the form", () => {
  it("reads the simple repeats", () => {
    expect(ruleToForm("FREQ=DAILY", "2026-12-01").repeat).toBe("daily");
    expect(ruleToForm("FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20270131", "2026-12-01")).toMatchObject(
      { repeat: "weekly", days: ["TU", "TH"], repeatEnd: "until", until: "2027-01-31" });
    expect(ruleToForm("FREQ=WEEKLY", "2026-12-03")).toMatchObject({ repeat: "weekly", days: ["TH"] });
    expect(ruleToForm("FREQ=MONTHLY;COUNT=5", "2026-12-03")).toMatchObject({ repeat: "monthly", repeatEnd: "count", count: 5 });
    expect(ruleToForm("FREQ=MONTHLY;BYMONTHDAY=3", "2026-12-03").repeat).toBe("monthly");
    expect(ruleToForm("FREQ=YEARLY;UNTIL=20301231T235959Z", "2026-12-03")).toMatchObject({ repeat: "yearly", until: "2030-12-31" });
  });

  it("anything else is custom (kept as it is)", () => {
    for (const r of ["FREQ=WEEKLY;INTERVAL=2", "FREQ=MONTHLY;BYDAY=2TU", "FREQ=MONTHLY;BYMONTHDAY=15", "FREQ=HOURLY",
      "FREQ=YEARLY;BYMONTH=3", "FREQ=DAILY;BYHOUR=9,17"]) {
      expect(ruleToForm(r, "2026-12-03").repeat).toBe("custom");
    }
  });

  it("writes the simple repeats as the desktop does", () => {
    const f = newForm("2026-12-03T09:00", false, "Europe/Berlin", [{ id: "c", name: "C" }]);
    expect(formToRule({ ...f, repeat: "daily" })).toBe("FREQ=DAILY");
    expect(formToRule({ ...f, repeat: "weekly", days: ["TH"] })).toBe("FREQ=WEEKLY");
    expect(formToRule({ ...f, repeat: "weekly", days: ["FR", "MO"] })).toBe("FREQ=WEEKLY;BYDAY=MO,FR");
    expect(formToRule({ ...f, repeat: "monthly", repeatEnd: "until", until: "2027-06-30" })).toBe("FREQ=MONTHLY;UNTIL=20270630");
    expect(formToRule({ ...f, repeat: "yearly", repeatEnd: "count", count: 3 })).toBe("FREQ=YEARLY;COUNT=3");
    expect(formToRule({ ...f, repeat: "none" })).toBeNull();
  });

  it("keeps a custom rule untouched when the form is saved", () => {
    const ev = { ...master, rrule: "FREQ=MONTHLY;BYDAY=-1FR;BYSETPOS=1" };
    const { form, kept } = eventToForm(ev, null, "Europe/Berlin");
    expect(form.repeat).toBe("custom");
    expect(formToEvent({ ...form, title: "x" }, kept, ev).rrule).toBe("FREQ=MONTHLY;BYDAY=-1FR;BYSETPOS=1");
  });
});

describe("event <-> form", () => {
  it("shows times in the event's zone and all-day ends inclusive", () => {
    const { form } = eventToForm(master, null, "America/New_York");
    expect([form.start, form.end, form.zone]).toEqual(["2026-12-01T09:30", "2026-12-01T09:45", "Europe/Berlin"]);
    const ad = eventToForm({ ...master, all_day: true, timezone: null, start: "2026-12-03", end: "2026-12-05", rrule: null }, null, "UTC").form;
    expect([ad.start, ad.end]).toEqual(["2026-12-03", "2026-12-04"]);
  });

  it("round-trips an event, keeping what the form does not show", () => {
    const { form, kept } = eventToForm(master, null, "UTC");
    const back = formToEvent(form, kept, master);
    expect(back.start).toBe(master.start);
    expect(back.end).toBe(master.end);
    expect(back.rrule).toBe(master.rrule);
    expect(back.ical_extra).toEqual(["X-FOO:bar"]);
    expect(back.reminders).toEqual([{ minutes_before: 45, channel: "email" }, { minutes_before: 10, channel: "notification" }]);
    expect(form.email).toBe(45);
  });

  it("writes a time in a DST gap forward, with the right offset", () => {
    const { form, kept } = eventToForm(master, null, "UTC");
    const ev = formToEvent({ ...form, start: "2027-03-28T02:30", end: "2027-03-28T03:30", repeat: "none" }, kept, master);
    expect(ev.start).toBe("2027-03-28T03:30:00+02:00");
    expect(ev.end).toBe("2027-03-28T03:30:00+02:00");
  });

  it("all day: dates, exclusive end, no zone; floating stays floating", () => {
    const f = newForm("2026-12-03", true, "Europe/Berlin", [{ id: "c", name: "C" }]);
    const ev = formToEvent({ ...f, end: "2026-12-04" }, { otherReminders: [] }, { id: ID, calendar_id: "c", start: "", end: "" });
    expect([ev.start, ev.end, ev.timezone, ev.all_day]).toEqual(["2026-12-03", "2026-12-05", null, true]);
    const fl = eventToForm({ ...master, timezone: null, start: "2026-12-01T09:30:00", end: "2026-12-01T10:00:00" }, null, "UTC");
    expect(fl.form.zone).toBe("");
    expect(formToEvent(fl.form, fl.kept, master).start).toBe("2026-12-01T09:30:00");
  });

  it("refuses an end before the start inline; an empty title is fine", () => {
    const f = newForm("2026-12-03T09:00", false, "Europe/Berlin", [{ id: "c", name: "C" }]);
    expect(validate({ ...f, end: "2026-12-03T08:00" }).end).toBe("The event ends before it starts.");
    expect(validate({ ...f, title: "" })).toEqual({});
    expect(validate({ ...f, repeat: "weekly", days: [] }).days).toBeTruthy();
  });

  it("offers only calendars it can write to", () => {
    const cs = writableCalendars([{ id: "a", name: "A" }, { id: "b", name: "B", read_only: true },
      { id: "c", name: "C", source_url: "https://x.example/c.ics" }]);
    expect(cs.map((c) => c.id)).toEqual(["a"]);
    expect(newForm(null, false, "UTC", [{ id: "b", name: "B", read_only: true }, { id: "a", name: "A" }]).calendarId).toBe("a");
  });
});

describe("what to write", () => {
  const occ = occOf("2026-12-10T09:30:00+01:00", "2026-12-10T09:45:00+01:00");

  it("a new event: If-None-Match with a new id that is also its uid", () => {
    const f = newForm("2026-12-03T09:00", false, "Europe/Berlin", [{ id: "c", name: "C" }]);
    const p = planSingle({ ...f, title: "New" }, { otherReminders: [] }, null, ID2);
    expect(p.puts[0]!.ifMatch).toBeNull();
    expect(p.puts[0]!.ev).toMatchObject({ id: ID2, uid: ID2, title: "New", calendar_id: "c", start: "2026-12-03T09:00:00+01:00" });
  });

  it("only this event: an override with the master's uid and recurrence_id = the original start", () => {
    const { form, kept } = eventToForm(master, occ, "UTC");
    const p = planOnlyThis({ ...form, title: "Moved", start: "2026-12-10T11:00", end: "2026-12-10T11:15" }, kept, master, occ.recurrence_id!, ID2);
    const ov = p.puts[0]!.ev;
    expect(p.puts[0]!.ifMatch).toBeNull();
    expect(ov).toMatchObject({ id: ID2, uid: "series-uid", recurrence_id: "2026-12-10T09:30:00+01:00", rrule: null,
      exdates: [], rdates: [], title: "Moved", start: "2026-12-10T11:00:00+01:00", ical_extra: ["X-FOO:bar"] });
    expect(ov.version).toBeUndefined();
  });

  it("only this event, already overridden: updates the override with its version", () => {
    const override = { ...master, id: ID2, rrule: null, recurrence_id: "2026-12-10T09:30:00+01:00", version: 3,
      start: "2026-12-10T11:00:00+01:00", end: "2026-12-10T11:15:00+01:00" };
    const o = occOf(override.start, override.end, override, override.recurrence_id);
    const { form, kept } = eventToForm(override, o, "UTC");
    const p = planOnlyThis({ ...form, title: "Again" }, kept, override, o.recurrence_id!, ID3);
    expect(p.puts[0]).toMatchObject({ ifMatch: 3, ev: { id: ID2, title: "Again", recurrence_id: "2026-12-10T09:30:00+01:00" } });
  });

  it("delete only this one: an EXDATE on the master, and its override goes", () => {
    const ov = { ...master, id: ID2, recurrence_id: "2026-12-10T09:30:00+01:00", rrule: null };
    const p = planDeleteOne(master, "2026-12-10T09:30:00+01:00", [ov]);
    expect(p.puts[0]).toMatchObject({ ifMatch: 7, ev: { id: ID, exdates: ["2026-12-10T09:30:00+01:00"] } });
    expect(p.deletes).toEqual([{ id: ID2, version: null }]);
  });

  it("delete all: the master with its version, then its overrides", () => {
    const ov = { ...master, id: ID2, recurrence_id: "2026-12-10T09:30:00+01:00", rrule: null };
    expect(planDeleteAll(master, [ov]).deletes).toEqual([{ id: ID, version: 7 }, { id: ID2, version: null }]);
  });

  it("all events: a title change goes to the master and to overrides that had the old title", () => {
    const same = { ...master, id: ID2, recurrence_id: "2026-12-03T09:30:00+01:00", rrule: null, start: "2026-12-03T10:00:00+01:00", end: "2026-12-03T10:15:00+01:00", version: 2 };
    const own = { ...same, id: ID3, title: "Own", recurrence_id: "2026-12-08T09:30:00+01:00", version: 4 };
    const { form, kept } = eventToForm(master, occ, "UTC");
    const p = planAll(form, { ...form, title: "Daily sync" }, kept, master, [same, own]);
    expect(p.puts[0]!.ev).toMatchObject({ id: ID, title: "Daily sync", start: master.start, rrule: master.rrule });
    expect(p.puts.map((x) => [x.ev.id, x.ev.title])).toEqual([[ID, "Daily sync"], [ID2, "Daily sync"]]);
    expect(p.deletes).toEqual([]);
  });

  it("all events: a move keeps the series' wall clock and moves its days, EXDATEs, UNTIL and overrides", () => {
    const m = { ...master, rrule: "FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20270331", exdates: ["2026-12-15T09:30:00+01:00"] };
    const ov = { ...m, id: ID2, recurrence_id: "2026-12-17T09:30:00+01:00", rrule: null, exdates: [], version: 2,
      start: "2026-12-17T09:30:00+01:00", end: "2026-12-17T09:45:00+01:00", title: "Kept time" };
    const o = occOf("2026-12-10T09:30:00+01:00", "2026-12-10T09:45:00+01:00", m);
    const { form, kept } = eventToForm(m, o, "UTC");
    // Thursday 10 Dec 09:30 -> Friday 11 Dec 10:00
    const p = planAll(form, { ...form, start: "2026-12-11T10:00", end: "2026-12-11T10:15" }, kept, m, [ov]);
    const nm = p.puts[0]!.ev;
    expect(nm.start).toBe("2026-12-02T10:00:00+01:00");
    expect(nm.end).toBe("2026-12-02T10:15:00+01:00");
    expect(nm.rrule).toBe("FREQ=WEEKLY;BYDAY=WE,FR;UNTIL=20270401");
    expect(nm.exdates).toEqual(["2026-12-16T10:00:00+01:00"]);
    const nov = p.puts[1]!.ev;
    expect(nov.recurrence_id).toBe("2026-12-18T10:00:00+01:00");
    expect(nov.start).toBe("2026-12-18T10:00:00+01:00");
    expect(nov.end).toBe("2026-12-18T10:15:00+01:00");
    expect(p.puts[1]!.ifMatch).toBe(2);
  });

  it("all events: a move across DST keeps 09:30 in Berlin (summer offset)", () => {
    const m = { ...master, start: "2026-03-24T09:30:00+01:00", end: "2026-03-24T09:45:00+01:00", rrule: "FREQ=DAILY" };
    const o = occOf("2026-04-02T09:30:00+02:00", "2026-04-02T09:45:00+02:00", m);
    const { form, kept } = eventToForm(m, o, "UTC");
    const p = planAll(form, { ...form, start: "2026-04-02T10:30", end: "2026-04-02T10:45" }, kept, m, []);
    expect(p.puts[0]!.ev.start).toBe("2026-03-24T10:30:00+01:00");
  });

  it("all events: a changed repeat drops the overrides", () => {
    const ov = { ...master, id: ID2, recurrence_id: "2026-12-03T09:30:00+01:00", rrule: null };
    const { form, kept } = eventToForm(master, occ, "UTC");
    const p = planAll(form, { ...form, repeat: "daily" }, kept, master, [ov]);
    expect(p.puts[0]!.ev.rrule).toBe("FREQ=DAILY");
    expect(p.deletes).toEqual([{ id: ID2, version: null }]);
  });

  it("moveRule shifts BYDAY and a matching BYMONTHDAY", () => {
    expect(moveRule("FREQ=MONTHLY;BYDAY=2TH", 1, 86_400_000, 10, 11)).toBe("FREQ=MONTHLY;BYDAY=2FR");
    expect(moveRule("FREQ=MONTHLY;BYMONTHDAY=15", 2, 2 * 86_400_000, 15, 17)).toBe("FREQ=MONTHLY;BYMONTHDAY=17");
    expect(moveRule("FREQ=DAILY;UNTIL=20270101T083000Z", 0, 3_600_000, 1, 1)).toBe("FREQ=DAILY;UNTIL=20270101T093000Z");
  });
});

describe("412: what changed elsewhere", () => {
  it("lists the fields in the form's words", () => {
    const after = { ...master, title: "Renamed", start: "2026-12-01T10:00:00+01:00", reminders: [], version: 8 };
    expect(describeChanges(master, after)).toEqual(["Title", "Starts", "Reminders"]);
    // The same instant written with another offset is no change.
    expect(describeChanges(master, { ...master, start: "2026-12-01T08:30:00Z" })).toEqual([]);
  });
});

// Keep the type import used.
export type _F = Form;

describe("the 412 alert's lines", () => {
  it("give the new value of short text fields", async () => {
    const { changeLines } = await import("../src/editor/model");
    const after = { ...master, title: "Renamed", location: "", notes: "x", version: 8 };
    expect(changeLines(master, after)).toEqual(["Title: now “Renamed”", "Location: now empty", "Notes"]);
  });
  it("give a moved time's new value in the display zone, with the day when it moved day", async () => {
    const { changeLines } = await import("../src/editor/model");
    const before = { ...master, start: "2026-12-07T14:00:00+01:00", end: "2026-12-07T15:30:00+01:00",
                     timezone: "Europe/Berlin" };
    const later = { ...before, end: "2026-12-07T16:00:00+01:00", version: 9 };
    expect(changeLines(before, later, "Europe/Berlin", "en-GB")).toEqual(["Ends: now 16:00"]);
    const nextDay = { ...before, start: "2026-12-08T14:00:00+01:00", end: "2026-12-08T15:30:00+01:00" };
    expect(changeLines(before, nextDay, "America/New_York", "en-GB")).toEqual([
      "Starts: now 8 Dec, 08:00", "Ends: now 8 Dec, 09:30"]);
    // Without a zone (or one the browser cannot compute) the field is only named.
    expect(changeLines(before, later)).toEqual(["Ends"]);
  });
});

describe("your time", () => {
  it("shows an event in another zone at the viewer's clock", async () => {
    const { yourTime } = await import("../src/editor/EventEditor");
    const f = newForm("2026-12-02T16:00", false, "America/New_York", [{ id: "c", name: "C" }]);
    expect(yourTime({ ...f, end: "2026-12-02T17:00" }, "Europe/Berlin", "en-GB")).toBe("Your time (Europe/Berlin): 2 Dec 22:00–23:00");
    expect(yourTime({ ...f, start: "2026-12-02T19:00", end: "2026-12-02T20:00" }, "Europe/Berlin", "en-GB"))
      .toBe("Your time (Europe/Berlin): 3 Dec 01:00–02:00");
    expect(yourTime(f, "America/New_York", "en-GB")).toBeNull();
    expect(yourTime({ ...f, zone: "" }, "Europe/Berlin", "en-GB")).toBeNull();
  });
});

describe("a new event's calendar", () => {
  it("is the first writable one that is shown", async () => {
    const { defaultCalendar } = await import("../src/editor/model");
    const cals = [{ id: "sub", name: "Holidays", source_url: "https://x.example/h.ics" }, { id: "fam", name: "Family" },
      { id: "per", name: "Personal" }, { id: "ro", name: "Team", read_only: true }];
    expect(defaultCalendar(cals)?.id).toBe("fam");
    expect(defaultCalendar(cals, ["sub", "per", "ro"])?.id).toBe("per");
    expect(defaultCalendar([{ ...cals[1]!, visible: false }, cals[2]!])?.id).toBe("per");
    // Nothing writable is shown: still somewhere writable rather than nowhere.
    expect(defaultCalendar(cals, ["sub"])?.id).toBe("fam");
  });
});
