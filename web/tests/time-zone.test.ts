import { describe, expect, it } from "vitest";
import {
  addDays, addMonths, dayBounds, instantOf, offsetAt, parseWire, startOfWeek, wallOf, weekday, weekStartFor,
  wireInstant, zonedWireText,
} from "../src/time/zone";
import { Formats } from "../src/time/format";

const iso = (ms: number) => new Date(ms).toISOString();
const w = (y: number, mo: number, d: number, h = 0, mi = 0) => ({ y, mo, d, h, mi });

describe("wall clock <-> instant", () => {
  it("reads an instant's wall clock in Berlin, summer and winter", () => {
    expect(wallOf(Date.parse("2026-07-01T10:00:00Z"), "Europe/Berlin")).toMatchObject(w(2026, 7, 1, 12, 0));
    expect(wallOf(Date.parse("2026-12-01T10:00:00Z"), "Europe/Berlin")).toMatchObject(w(2026, 12, 1, 11, 0));
  });

  it("Berlin spring gap: 02:30 does not exist and moves forward to 03:30 CEST", () => {
    const t = instantOf(w(2026, 3, 29, 2, 30), "Europe/Berlin");
    expect(iso(t)).toBe("2026-03-29T01:30:00.000Z");
    expect(wallOf(t, "Europe/Berlin")).toMatchObject(w(2026, 3, 29, 3, 30));
  });

  it("Berlin autumn overlap: 02:30 means the first (CEST)", () => {
    expect(iso(instantOf(w(2026, 10, 25, 2, 30), "Europe/Berlin"))).toBe("2026-10-25T00:30:00.000Z");
  });

  it("New York: gap forward, overlap first", () => {
    expect(iso(instantOf(w(2026, 3, 8, 2, 30), "America/New_York"))).toBe("2026-03-08T07:30:00.000Z");
    expect(iso(instantOf(w(2026, 11, 1, 1, 30), "America/New_York"))).toBe("2026-11-01T05:30:00.000Z");
  });

  it("Lord Howe's 30-minute DST: the gap is half an hour, the overlap too", () => {
    // 2026-10-04 02:00 -> 02:30 (+10:30 -> +11:00)
    const gap = instantOf(w(2026, 10, 4, 2, 15), "Australia/Lord_Howe");
    expect(wallOf(gap, "Australia/Lord_Howe")).toMatchObject(w(2026, 10, 4, 2, 45));
    expect(offsetAt(gap, "Australia/Lord_Howe")).toBe(11 * 3_600_000);
    // 2026-04-05 02:00 -> 01:30 (+11:00 -> +10:30): 01:45 is first read at +11:00
    const ov = instantOf(w(2026, 4, 5, 1, 45), "Australia/Lord_Howe");
    expect(iso(ov)).toBe("2026-04-04T14:45:00.000Z");
  });

  it("round-trips every half hour across a DST week in three zones", () => {
    for (const zone of ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe"]) {
      const start = Date.parse("2026-03-26T00:00:00Z");
      for (let t = start; t < start + 14 * 86_400_000; t += 1_800_000) {
        expect(instantOf(wallOf(t, zone), zone) === t || wallOf(instantOf(wallOf(t, zone), zone), zone).h === wallOf(t, zone).h).toBe(true);
      }
    }
  });
});

describe("days", () => {
  it("day bounds are 23 h and 25 h on DST days", () => {
    const a = dayBounds("2026-03-29", "Europe/Berlin");
    expect((a.end - a.start) / 3_600_000).toBe(23);
    const b = dayBounds("2026-10-25", "Europe/Berlin");
    expect((b.end - b.start) / 3_600_000).toBe(25);
    const c = dayBounds("2026-10-04", "Australia/Lord_Howe");
    expect((c.end - c.start) / 3_600_000).toBe(23.5);
  });

  it("date arithmetic", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2024-03-01", -1)).toBe("2024-02-29");
    expect(weekday("2026-12-03")).toBe(4);
    expect(startOfWeek("2026-12-03", 1)).toBe("2026-11-30");
    expect(startOfWeek("2026-12-03", 0)).toBe("2026-11-29");
    expect(startOfWeek("2026-11-29", 1)).toBe("2026-11-23");
    expect(addMonths("2026-01-31", 1)).toBe("2026-02-28");
  });

  it("the first day of the week follows the locale", () => {
    expect(weekStartFor("en-US")).toBe(0);
    expect(weekStartFor("de-DE")).toBe(1);
    expect(weekStartFor("en-GB")).toBe(1);
  });
});

describe("wire times", () => {
  it("reads zoned, floating and all-day texts", () => {
    expect(parseWire("2026-11-25T09:00:00+01:00").ms).toBe(Date.parse("2026-11-25T08:00:00Z"));
    expect(parseWire("2026-11-25T09:00:00").kind).toBe("floating");
    expect(parseWire("2026-11-25").kind).toBe("date");
    // Floating: that wall clock wherever the viewer is.
    expect(iso(wireInstant("2026-11-25T09:00:00", "America/New_York"))).toBe("2026-11-25T14:00:00.000Z");
  });

  it("writes an instant with its zone's offset, as the server does", () => {
    expect(zonedWireText(Date.parse("2026-11-25T08:00:00Z"), "Europe/Berlin")).toBe("2026-11-25T09:00:00+01:00");
    expect(zonedWireText(Date.parse("2026-07-01T00:00:00Z"), "America/New_York")).toBe("2026-06-30T20:00:00-04:00");
    expect(zonedWireText(Date.parse("2026-12-01T00:00:00Z"), "Australia/Lord_Howe")).toBe("2026-12-01T11:00:00+11:00");
    expect(zonedWireText(Date.parse("2026-07-01T00:00:00Z"), "Australia/Lord_Howe")).toBe("2026-07-01T10:30:00+10:30");
  });
});

describe("formats", () => {
  it("12 or 24 hours as the locale says", () => {
    expect(new Formats("en-GB").time(w(2026, 1, 1, 9, 30))).toBe("09:30");
    expect(new Formats("de-DE").time(w(2026, 1, 1, 17, 5))).toBe("17:05");
    expect(new Formats("en-US").time(w(2026, 1, 1, 17, 5)).replace(/\s/g, " ")).toBe("5:05 PM");
    expect(new Formats("en-US").hour12).toBe(true);
  });

  it("names days and months in the locale", () => {
    const f = new Formats("en-GB");
    expect(f.monthYear("2026-12-03")).toBe("December 2026");
    expect(f.dayLong("2026-12-03")).toBe("Thursday 3 December");
    expect(new Formats("de-DE").monthYear("2026-12-03")).toBe("Dezember 2026");
    expect(f.dateRange("2026-11-30", "2026-12-06").replace(/\s/g, " ")).toMatch(/30 Nov.*6 Dec 2026/);
  });
});

describe("the zones offered", () => {
  it("use today's names for renamed zones, once each, UTC first", async () => {
    const { ianaZones, currentName } = await import("../src/time/zonelist");
    const zones = ianaZones();
    expect(zones[0]).toBe("UTC");
    expect(zones).toContain("Asia/Kolkata");
    expect(zones).toContain("Europe/Kyiv");
    expect(zones).not.toContain("Asia/Calcutta");
    expect(zones).not.toContain("Europe/Kiev");
    expect(new Set(zones).size).toBe(zones.length);
    expect(currentName("Asia/Saigon")).toBe("Asia/Ho_Chi_Minh");
    expect(currentName("Europe/Berlin")).toBe("Europe/Berlin");
  });
});
