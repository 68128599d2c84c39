import { describe, expect, it } from "vitest";
import type { CalendarWire, OccurrenceWire } from "../src/api/types";
import { Formats } from "../src/time/format";
import { dayNumber } from "../src/time/zone";
import { toItems } from "../src/views/items";
import { byDay, layoutColumns, weekDayLayout } from "../src/views/layout";
import { stepAnchor, viewDays, viewRange } from "../src/views/range";

const fmt = new Formats("en-GB");
const cals: CalendarWire[] = [{ id: "work", name: "Work", color: "#ff0000" }, { id: "home", name: "Home" }];
let n = 0;
function occ(start: string, end: string, title = "E", extra: Partial<OccurrenceWire["event"]> = {}): OccurrenceWire {
  n += 1;
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
  const allDay = start.length === 10;
  return {
    event: { id, calendar_id: "work", start, end, all_day: allDay, title, timezone: allDay ? null : "Europe/Berlin", ...extra },
    start,
    end,
  };
}

describe("viewRange", () => {
  it("week: the locale's week, in the zone, as UTC instants", () => {
    expect(viewRange("week", "2026-12-03", "Europe/Berlin", 1)).toEqual({
      from: "2026-11-29T23:00:00.000Z",
      to: "2026-12-06T23:00:00.000Z",
    });
    expect(viewDays("week", "2026-12-03", 0)).toEqual({ first: "2026-11-29", last: "2026-12-05" });
  });

  it("month: the full weeks covering the month", () => {
    expect(viewDays("month", "2026-12-17", 1)).toEqual({ first: "2026-11-30", last: "2027-01-03" });
    expect(viewDays("month", "2026-02-10", 0)).toEqual({ first: "2026-02-01", last: "2026-02-28" });
    const r = viewRange("month", "2026-12-17", "America/New_York", 1);
    expect(r.from).toBe("2026-11-30T05:00:00.000Z");
    expect(r.to).toBe("2027-01-04T05:00:00.000Z");
  });

  it("agenda: 14 days from the anchor; a DST change inside is followed", () => {
    const r = viewRange("agenda", "2026-03-25", "Europe/Berlin", 1);
    expect(r.from).toBe("2026-03-24T23:00:00.000Z");
    expect(r.to).toBe("2026-04-07T22:00:00.000Z");
  });

  it("steps by period", () => {
    expect(stepAnchor("month", "2026-01-31", 1)).toBe("2026-02-28");
    expect(stepAnchor("week", "2026-12-03", -1)).toBe("2026-11-26");
    expect(stepAnchor("agenda", "2026-12-03", 1)).toBe("2026-12-17");
  });
});

describe("items", () => {
  it("names an occurrence 'Title, time text' in the display zone", () => {
    const [it] = toItems([occ("2026-12-03T09:30:00+01:00", "2026-12-03T09:45:00+01:00", "Standup")], cals, "Europe/Berlin", fmt);
    expect(it?.label).toBe("Standup, 09:30–09:45");
    expect(it?.color).toBe("#ff0000");
    const [ny] = toItems([occ("2026-12-03T09:30:00+01:00", "2026-12-03T09:45:00+01:00", "Standup")], cals, "America/New_York", fmt);
    expect(ny?.label).toBe("Standup, 03:30–03:45");
  });

  it("an empty title reads '(no title)'; a cancelled one says so", () => {
    const [it] = toItems([occ("2026-12-03", "2026-12-04", "", { status: "cancelled" })], cals, "UTC", fmt);
    expect(it?.label).toBe("(no title), All day, cancelled");
  });

  it("all-day ends are exclusive; a timed end at midnight ends the day before", () => {
    const items = toItems([
      occ("2026-12-03", "2026-12-06", "Trip"),
      occ("2026-12-03T22:00:00+01:00", "2026-12-04T00:00:00+01:00", "Late"),
    ], cals, "Europe/Berlin", fmt);
    const trip = items.find((i) => i.title === "Trip");
    const late = items.find((i) => i.title === "Late");
    expect(trip!.lastDay - trip!.firstDay).toBe(2);
    expect(trip!.label).toBe("Trip, All day, 3 Dec – 5 Dec");
    expect(late!.lastDay).toBe(late!.firstDay);
  });

  it("multi-day events are on each day they cover", () => {
    const items = toItems([occ("2026-12-03T20:00:00+01:00", "2026-12-05T10:00:00+01:00", "Conf")], cals, "Europe/Berlin", fmt);
    const days = byDay(items, dayNumber("2026-12-01"), 7);
    expect(days.map((d) => d.length)).toEqual([0, 0, 1, 1, 1, 0, 0]);
    expect(items[0]?.label).toBe("Conf, 3 Dec 20:00 – 5 Dec 10:00");
    // In the week, it goes to the all-day row.
    expect(weekDayLayout(days[3]!, dayNumber("2026-12-04")).allDay).toHaveLength(1);
  });
});

describe("layoutColumns", () => {
  const s = (top: number, bottom: number, item: string) => ({ top, bottom, item });

  it("puts overlapping events side by side and lone ones full width", () => {
    const out = layoutColumns([s(540, 600, "a"), s(570, 630, "b"), s(700, 760, "c")]);
    const by = Object.fromEntries(out.map((p) => [p.item, p]));
    expect([by.a!.col, by.a!.cols]).toEqual([0, 2]);
    expect([by.b!.col, by.b!.cols]).toEqual([1, 2]);
    expect([by.c!.col, by.c!.cols]).toEqual([0, 1]);
  });

  it("reuses a freed column inside a cluster; touching events do not overlap", () => {
    const out = layoutColumns([s(540, 720, "long"), s(540, 600, "x"), s(600, 660, "y"), s(660, 720, "z")]);
    const by = Object.fromEntries(out.map((p) => [p.item, p]));
    expect(by.long!.cols).toBe(2);
    expect([by.x!.col, by.y!.col, by.z!.col]).toEqual([1, 1, 1]);
  });

  it("three-way overlap gets three columns", () => {
    const out = layoutColumns([s(0, 100, "a"), s(10, 100, "b"), s(20, 100, "c")]);
    expect(out.map((p) => p.col).sort()).toEqual([0, 1, 2]);
    expect(out.every((p) => p.cols === 3)).toBe(true);
  });

  it("gives very short events a minimum height", () => {
    const [p] = layoutColumns([s(600, 600, "zero")]);
    expect(p!.bottom - p!.top).toBeGreaterThanOrEqual(15);
  });
});

describe("a month of 2,000 occurrences", () => {
  it("is read and laid out in one pass", () => {
    const occs: OccurrenceWire[] = [];
    for (let i = 0; i < 2000; i++) {
      const day = 1 + (i % 31);
      const h = 6 + (i % 14);
      const d = `2026-12-${String(day).padStart(2, "0")}`;
      occs.push(occ(`${d}T${String(h).padStart(2, "0")}:00:00+01:00`, `${d}T${String(h).padStart(2, "0")}:45:00+01:00`, `Ev ${i}`));
    }
    const items = toItems(occs, cals, "Europe/Berlin", fmt);
    const days = byDay(items, dayNumber("2026-11-30"), 35);
    expect(days.reduce((a, d) => a + d.length, 0)).toBe(2000);
  });
});

describe("a day's order", () => {
  it("all-day and running-through items first, then by start", () => {
    const items = toItems([
      occ("2026-12-08T22:00:00+01:00", "2026-12-09T02:00:00+01:00", "Release"),
      occ("2026-12-09T08:00:00+01:00", "2026-12-09T09:00:00+01:00", "Early"),
      occ("2026-12-09", "2026-12-10", "Birthday"),
      occ("2026-12-07", "2026-12-12", "Holiday"),
    ], cals, "Europe/Berlin", fmt);
    const [day] = byDay(items, dayNumber("2026-12-09"), 1);
    expect(day!.map((i) => i.title)).toEqual(["Holiday", "Birthday", "Release", "Early"]);
  });
});

describe("the week's all-day bars", () => {
  it("one bar per event across its days, clipped to the week, rows shared when free", async () => {
    const { barRows } = await import("../src/views/layout");
    const items = toItems([
      occ("2026-11-28", "2026-12-02", "From before"), // Sat..Tue, week starts Mon 30 Nov
      occ("2026-12-02", "2026-12-03", "Wed"),
      occ("2026-12-03", "2026-12-09", "Goes on"),
      occ("2026-12-01T09:00:00+01:00", "2026-12-01T10:00:00+01:00", "Timed"),
      occ("2026-12-04T20:00:00+01:00", "2026-12-05T08:00:00+01:00", "Overnight"),
    ], cals, "Europe/Berlin", fmt);
    const { bars, rows } = barRows(items, dayNumber("2026-11-30"), 7);
    const by = Object.fromEntries(bars.map((b) => [b.item.title, [b.from, b.to, b.row]]));
    expect(by).toEqual({
      "From before": [0, 1, 0],
      Wed: [2, 2, 0],
      "Goes on": [3, 6, 0],
      Overnight: [4, 5, 1],
    });
    expect(rows).toBe(2);
  });
});

describe("widening", () => {
  it("an event takes the free columns to its right", () => {
    const s = (top: number, bottom: number, item: string) => ({ top, bottom, item });
    // a: 10:00-11:30, b: 10:15-10:30, c: 10:30-11:00, d: 10:45-11:15 (Thursday in the screenshots)
    const out = layoutColumns([s(600, 690, "a"), s(615, 630, "b"), s(630, 660, "c"), s(645, 675, "d")]);
    const by = Object.fromEntries(out.map((p) => [p.item, [p.col, p.span, p.cols]]));
    expect(by.a).toEqual([0, 1, 3]);
    expect(by.b![2]).toBe(3);
    // Nothing is drawn over another: overlapping events never share a column range.
    for (const p of out) for (const q of out) {
      if (p === q || !(p.top < q.bottom && q.top < p.bottom)) continue;
      const overlapCols = p.col < q.col + q.span && q.col < p.col + p.span;
      expect(overlapCols).toBe(false);
    }
  });

  it("a lone event after a cluster ends is full width", () => {
    const out = layoutColumns([{ top: 0, bottom: 60, item: "x" }, { top: 30, bottom: 90, item: "y" }, { top: 100, bottom: 200, item: "z" }]);
    expect(out.find((p) => p.item === "z")).toMatchObject({ col: 0, span: 1, cols: 1 });
    expect(out.find((p) => p.item === "x")).toMatchObject({ span: 1, cols: 2 });
  });
});

describe("widening into free columns", () => {
  it("a later event spreads over columns its neighbours have left", () => {
    const s = (top: number, bottom: number, item: string) => ({ top, bottom, item });
    const out = layoutColumns([s(540, 720, "a"), s(540, 600, "b"), s(570, 600, "c"), s(600, 660, "d")]);
    const by = Object.fromEntries(out.map((p) => [p.item, [p.col, p.span, p.cols]]));
    expect(by).toEqual({ a: [0, 1, 3], b: [1, 1, 3], c: [2, 1, 3], d: [1, 2, 3] });
  });
});

describe("a month cell", () => {
  it("shows up to three, else two and '+N more'", async () => {
    const { cellContent } = await import("../src/views/month");
    expect(cellContent([1, 2, 3])).toEqual({ shown: [1, 2, 3], more: 0 });
    expect(cellContent([1, 2, 3, 4])).toEqual({ shown: [1, 2], more: 2 });
    expect(cellContent([])).toEqual({ shown: [], more: 0 });
  });
});

describe("text on a calendar's colour", () => {
  it("takes whichever of dark and white contrasts more, at least 4.5:1 for the palette", async () => {
    const { textOn } = await import("../src/views/common");
    expect(textOn("#3b82f6")).toBe("#111318"); // white on the default blue is 3.7:1
    expect(textOn("#1e3a8a")).toBe("#ffffff");
    expect(textOn("#facc15")).toBe("#111318");
    expect(textOn("not a colour")).toBe("#ffffff");
  });
});
