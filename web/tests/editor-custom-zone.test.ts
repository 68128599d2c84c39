// An event in a zone an imported file defined (X-AURORA/<hash>): Intl cannot compute
// it, so the browser shows its times as written and never writes them: a save keeps
// start, end, timezone (and an override's recurrence_id) byte for byte.
import { describe, expect, it } from "vitest";
import type { EventWire, OccurrenceWire } from "../src/api/types";
import { eventToForm, formToEvent, validate } from "../src/editor/model";
import { planAll, planOnlyThis, planSingle } from "../src/editor/series";
import { customZoneLabel, lockedTimesNote, lockedYourTime, unknownZoneNote } from "../src/editor/zones";
import { formatsFor } from "../src/time/format";
import { toItems } from "../src/views/items";

const ID = "11111111-1111-4111-8111-111111111111";
const ID2 = "22222222-2222-4222-8222-222222222222";
const ID3 = "33333333-3333-4333-8333-333333333333";

// The two zones of tests/core/zones/custom_zones.ics, as the registry names them.
const ODD = "X-AURORA/b1b2ae8d683f17518792a1995cdbe646";
const ODD_DEF = "BEGIN:VTIMEZONE\nTZID:Odd\nBEGIN:STANDARD\nDTSTART:19700101T000000\nTZOFFSETFROM:+0317\n" +
  "TZOFFSETTO:+0317\nTZNAME:ODD\nEND:STANDARD\nEND:VTIMEZONE";
const FOO = "X-AURORA/65231b2f29e77a1e89c51380adca1cf1";
const FOO_DEF = "BEGIN:VTIMEZONE\nTZID:Foo Standard Time\nBEGIN:STANDARD\nDTSTART:19701025T050000\n" +
  "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nTZNAME:FST\nEND:STANDARD\n" +
  "BEGIN:DAYLIGHT\nDTSTART:19700329T050000\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\nTZOFFSETFROM:+0100\n" +
  "TZOFFSETTO:+0200\nTZNAME:FDT\nEND:DAYLIGHT\nEND:VTIMEZONE";

const DISPLAY = "America/New_York";

const odd: EventWire = {
  id: ID, uid: "odd@test", calendar_id: "home", title: "Odd meeting", start: "2026-06-01T09:00:00+03:17",
  end: "2026-06-01T10:00:00+03:17", timezone: ODD, all_day: false, rrule: null, exdates: [], rdates: [],
  reminders: [{ minutes_before: 10, channel: "notification" }], version: 3, location: "", notes: "",
};

// Daily 04:30 in "Foo Standard Time", whose DST starts at 05:00 local on 29 March 2026.
const series: EventWire = {
  id: ID2, uid: "daily-0430@test", calendar_id: "home", title: "Early standup",
  start: "2026-03-26T04:30:00+01:00", end: "2026-03-26T05:30:00+01:00", timezone: FOO, all_day: false,
  rrule: "FREQ=DAILY;COUNT=7", exdates: ["2026-03-27T04:30:00+01:00"], rdates: [], reminders: [], version: 5,
  location: "", notes: "",
};
const occ30: OccurrenceWire = {
  event: series, start: "2026-03-30T04:30:00+02:00", end: "2026-03-30T05:30:00+02:00",
  recurrence_id: "2026-03-30T04:30:00+02:00",
};

const TIME_KEYS = ["start", "end", "timezone", "all_day"] as const;
const times = (e: EventWire) => Object.fromEntries(TIME_KEYS.map((k) => [k, e[k]]));

describe("the form of an event in a file's own zone", () => {
  it("shows its times as its own wall clock and marks them read-only", () => {
    const { form } = eventToForm(odd, null, DISPLAY);
    expect(form.timesReadOnly).toBe(true);
    expect(form.zone).toBe(ODD); // not the display zone
    expect(form.start).toBe("2026-06-01T09:00"); // 09:00 in Odd, not New York's 01:43
    expect(form.end).toBe("2026-06-01T10:00");
    expect(validate(form)).toEqual({});
  });

  it("an IANA zone keeps its fields editable", () => {
    const { form } = eventToForm({ ...odd, start: "2026-06-01T09:00:00+02:00", end: "2026-06-01T10:00:00+02:00",
      timezone: "Europe/Berlin" }, null, DISPLAY);
    expect(form.timesReadOnly).toBeFalsy();
  });

  it("a zone name this browser's Intl does not know is left alone the same way", () => {
    const ev = { ...odd, timezone: "Mars/Olympus_Mons" };
    const { form, kept } = eventToForm(ev, null, DISPLAY);
    expect(form.timesReadOnly).toBe(true);
    expect(form.zone).toBe("Mars/Olympus_Mons");
    expect(times(planSingle({ ...form, title: "x" }, kept, ev, "").puts[0]!.ev)).toEqual(times(ev));
    expect(unknownZoneNote("Mars/Olympus_Mons")).toBe(
      "Its time zone (Mars/Olympus_Mons) is not known to this browser; change its time in Aurora Time on the desktop.");
  });

  it("a series' occurrence shows that occurrence's wall clock (after the file's own DST change)", () => {
    const { form } = eventToForm(series, occ30, DISPLAY);
    expect(form.timesReadOnly).toBe(true);
    expect(form.start).toBe("2026-03-30T04:30");
    expect(form.end).toBe("2026-03-30T05:30");
  });
});

describe("saving keeps the times byte for byte", () => {
  it("a plain event: a new title, and start, end and zone exactly as they came", () => {
    const { form, kept } = eventToForm(odd, null, DISPLAY);
    const p = planSingle({ ...form, title: "Renamed", location: "Room 2" }, kept, odd, "");
    expect(p.puts).toHaveLength(1);
    const ev = p.puts[0]!.ev;
    expect(ev.title).toBe("Renamed");
    expect(ev.location).toBe("Room 2");
    expect(times(ev)).toEqual(times(odd));
    expect(p.puts[0]!.ifMatch).toBe(3);
  });

  it("formToEvent ignores times typed into the form anyway", () => {
    const { form, kept } = eventToForm(odd, null, DISPLAY);
    const ev = formToEvent({ ...form, start: "2026-06-01T11:00", end: "2026-06-01T12:00", zone: "UTC", allDay: false },
      kept, odd);
    expect(times(ev)).toEqual(times(odd));
  });

  it("only this event: the new override keeps the occurrence's start, end, zone and recurrence_id", () => {
    const { form, kept } = eventToForm(series, occ30, DISPLAY);
    const p = planOnlyThis({ ...form, title: "Late standup", notes: "bring coffee" }, kept, series, occ30.recurrence_id!, ID3);
    expect(p.puts).toHaveLength(1);
    const ov = p.puts[0]!.ev;
    expect(p.puts[0]!.ifMatch).toBeNull();
    expect(ov.id).toBe(ID3);
    expect(ov.title).toBe("Late standup");
    expect(ov.notes).toBe("bring coffee");
    expect(ov.start).toBe(occ30.start);
    expect(ov.end).toBe(occ30.end);
    expect(ov.timezone).toBe(FOO);
    expect(ov.recurrence_id).toBe(occ30.recurrence_id);
    expect(ov.rrule).toBeNull();
  });

  it("only this event on an existing override keeps its own strings", () => {
    const override: EventWire = {
      ...series, id: ID3, rrule: null, exdates: [], recurrence_id: "2026-03-30T04:30:00+02:00",
      start: "2026-03-30T06:00:00+02:00", end: "2026-03-30T06:45:00+02:00", title: "Moved on the desktop", version: 2,
    };
    const occ: OccurrenceWire = { event: override, start: override.start, end: override.end, recurrence_id: override.recurrence_id! };
    const { form, kept } = eventToForm(override, occ, DISPLAY);
    expect(form.start).toBe("2026-03-30T06:00");
    const p = planOnlyThis({ ...form, title: "Again" }, kept, override, occ.recurrence_id!, ID);
    const ev = p.puts[0]!.ev;
    expect(p.puts[0]!.ifMatch).toBe(2);
    expect(ev.title).toBe("Again");
    expect(times(ev)).toEqual(times(override));
    expect(ev.recurrence_id).toBe(override.recurrence_id);
  });

  it("all events: the master's times, exdates and rule stay as they are", () => {
    const { form, kept } = eventToForm(series, occ30, DISPLAY);
    const p = planAll(form, { ...form, title: "Standup", email: 15 }, kept, series, []);
    expect(p.puts).toHaveLength(1);
    const m = p.puts[0]!.ev;
    expect(m.title).toBe("Standup");
    expect(m.reminders).toEqual([{ minutes_before: 15, channel: "email" }]);
    expect(times(m)).toEqual(times(series));
    expect(m.exdates).toEqual(series.exdates);
    expect(m.rrule).toBe(series.rrule);
  });
});

describe("what the editor says about the zone", () => {
  it("names the zone by its file's TZID, else 'a custom zone'", () => {
    expect(customZoneLabel(ODD, { [ODD]: ODD_DEF, [FOO]: FOO_DEF })).toBe("Odd");
    expect(customZoneLabel(FOO, { [FOO]: FOO_DEF })).toBe("Foo Standard Time");
    expect(customZoneLabel(FOO, { [FOO]: "BEGIN:VTIMEZONE\nTZID;X-LIC-LOCATION=x:\"Q, R\"\nEND:VTIMEZONE" })).toBe("Q, R");
    expect(customZoneLabel(ODD, {})).toBe("a custom zone");
    expect(customZoneLabel(ODD, undefined)).toBe("a custom zone");
    expect(customZoneLabel(ODD, { [ODD]: "BEGIN:VTIMEZONE\nEND:VTIMEZONE" })).toBe("a custom zone");
  });

  it("the note under the time fields", () => {
    expect(lockedTimesNote("Odd")).toBe(
      "Its time zone comes from an imported calendar file (Odd); change its time in Aurora Time on the desktop.");
  });

  it("'your time' from the instants the wire gives", () => {
    expect(lockedYourTime(odd.start, odd.end, "Europe/Berlin", "en-GB"))
      .toBe("Your time (Europe/Berlin): 1 Jun 07:43–08:43");
  });
});

describe("the views", () => {
  it("place an occurrence by the instant the server expanded (the file's own DST applied)", () => {
    const fmt = formatsFor("en-GB");
    const before: OccurrenceWire = { ...occ30, start: "2026-03-28T04:30:00+01:00", end: "2026-03-28T05:30:00+01:00",
      recurrence_id: "2026-03-28T04:30:00+01:00" };
    const [a, b] = toItems([before, occ30], [], "Europe/London", fmt);
    // Foo: +01:00 until 05:00 local on 29 March, then +02:00; London: BST from 01:00 UTC on 29 March.
    expect(a!.timeText).toBe("03:30–04:30");
    expect(b!.timeText).toBe("03:30–04:30");
    const [c] = toItems([{ event: odd, start: odd.start, end: odd.end }], [], "UTC", fmt);
    expect(c!.timeText).toBe("05:43–06:43");
  });
});
