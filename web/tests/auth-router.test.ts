// The hash router (which page for which hash, signed in or out) and the shell's
// period arithmetic (titles, Previous/Next, first weekday).
import { describe, expect, it } from "vitest";
import { addMonths, periodDays, periodTitle, step, todayIn, weekStartFor } from "../src/period";
import { formatRoute, isDate, parseHash, resolveRoute, returnTarget } from "../src/router";
import { isShown, loadShown, saveShown } from "../src/prefs";
import { zoneChoices } from "../src/pages/Settings";
import { validZone } from "../src/period";

const TODAY = "2026-12-03";

describe("routes", () => {
  it("parses every route of the contract", () => {
    expect(parseHash("#/signin")).toEqual({ name: "signin" });
    expect(parseHash("#/signup")).toEqual({ name: "signup" });
    expect(parseHash("#/forgot")).toEqual({ name: "forgot" });
    expect(parseHash("#/settings")).toEqual({ name: "settings" });
    expect(parseHash("#/agenda/2026-12-03")).toEqual({ name: "agenda", date: "2026-12-03" });
    expect(parseHash("#/week/2026-11-30")).toEqual({ name: "week", date: "2026-11-30" });
    expect(parseHash("#/month/2026-02-28")).toEqual({ name: "month", date: "2026-02-28" });
  });

  it("refuses what names no real page", () => {
    for (const h of ["", "#", "#/", "#/week", "#/week/2026-02-30", "#/week/26-1-1", "#/nope", "#/settings/x", "#/week/2026-12-03/x", "#main"]) {
      expect(parseHash(h), h).toBeNull();
    }
    expect(isDate("2028-02-29")).toBe(true);
    expect(isDate("2026-02-29")).toBe(false);
  });

  it("signed out: private pages lead to sign-in, the sign-in pages stay", () => {
    expect(resolveRoute("#/week/2026-12-03", false, TODAY)).toEqual({ name: "signin" });
    expect(resolveRoute("#/settings", false, TODAY)).toEqual({ name: "signin" });
    expect(resolveRoute("", false, TODAY)).toEqual({ name: "signin" });
    expect(resolveRoute("#/signup", false, TODAY)).toEqual({ name: "signup" });
    expect(resolveRoute("#/forgot", false, TODAY)).toEqual({ name: "forgot" });
  });

  it("signed in: the sign-in pages and unknown hashes lead to this week; a view without a date gets today", () => {
    expect(resolveRoute("#/signin", true, TODAY)).toEqual({ name: "week", date: TODAY });
    expect(resolveRoute("", true, TODAY)).toEqual({ name: "week", date: TODAY });
    expect(resolveRoute("#/whatever", true, TODAY)).toEqual({ name: "week", date: TODAY });
    expect(resolveRoute("#/month", true, TODAY)).toEqual({ name: "month", date: TODAY });
    expect(resolveRoute("#/month/2027-01-31", true, TODAY)).toEqual({ name: "month", date: "2027-01-31" });
    expect(resolveRoute("#/settings", true, TODAY)).toEqual({ name: "settings" });
  });

  it("after signing in, back to the private page asked for, never to a sign-in page", () => {
    expect(returnTarget("#/month/2026-12-01")).toBe("#/month/2026-12-01");
    expect(returnTarget("#/settings")).toBe("#/settings");
    expect(returnTarget("#/signin")).toBeNull();
    expect(returnTarget("#/signup")).toBeNull();
    expect(returnTarget("")).toBeNull();
    expect(returnTarget("#/week/2026-02-30")).toBeNull();
  });

  it("formats back to the same hash", () => {
    for (const h of ["#/signin", "#/settings", "#/agenda/2026-12-03", "#/month/2026-12-01"]) {
      const r = parseHash(h);
      expect(r && formatRoute(r)).toBe(h);
    }
  });
});

describe("periods", () => {
  it("week titles follow the locale and the first weekday", () => {
    expect(periodTitle("week", "2026-12-03", 1, "en-GB")).toBe("30 Nov – 6 Dec 2026");
    expect(periodTitle("week", "2026-12-03", 0, "en-US")).toBe("Nov 29 – Dec 5, 2026");
    expect(periodTitle("month", "2026-12-17", 1, "en-GB")).toBe("December 2026");
    expect(periodTitle("month", "2026-12-17", 1, "de-DE")).toBe("Dezember 2026");
  });

  it("a week across the new year names both years", () => {
    expect(periodTitle("week", "2026-12-31", 1, "en-GB")).toBe("28 Dec 2026 – 3 Jan 2027");
  });

  it("the agenda shows 14 days from its anchor", () => {
    expect(periodDays("agenda", "2026-12-03", 1)).toEqual({ first: "2026-12-03", last: "2026-12-16" });
    expect(periodTitle("agenda", "2026-12-03", 1, "en-GB")).toBe("3 – 16 Dec 2026");
  });

  it("Previous and Next move by the view's period; months keep the day where they can", () => {
    expect(step("week", "2026-12-03", 1)).toBe("2026-12-10");
    expect(step("week", "2026-01-02", -1)).toBe("2025-12-26");
    expect(step("agenda", "2026-12-03", 1)).toBe("2026-12-17");
    expect(step("month", "2026-01-31", 1)).toBe("2026-02-28");
    expect(step("month", "2026-03-31", -1)).toBe("2026-02-28");
    expect(addMonths("2024-01-31", 1)).toBe("2024-02-29");
    expect(step("month", "2026-12-15", 1)).toBe("2027-01-15");
  });

  it("the first weekday comes from the locale", () => {
    expect(weekStartFor("en-US")).toBe(0);
    expect(weekStartFor("en-GB")).toBe(1);
    expect(weekStartFor("de-DE")).toBe(1);
    expect(weekStartFor("not a locale!")).toBe(1);
  });

  it("today is the display zone's date", () => {
    const t = Date.UTC(2026, 11, 3, 0, 30); // 00:30 UTC on 3 December
    expect(todayIn("Europe/Berlin", t)).toBe("2026-12-03");
    expect(todayIn("America/New_York", t)).toBe("2026-12-02");
  });
});

describe("shown calendars (a browser-local preference)", () => {
  it("defaults to the calendar's own visibility; the user's choice wins and is kept per user", () => {
    const m = new Map<string, string>();
    const store = { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
    expect(isShown({ id: "a", name: "A" }, {})).toBe(true);
    expect(isShown({ id: "b", name: "B", visible: false }, {})).toBe(false);
    saveShown(store, "sub-1", { a: false, b: true });
    const shown = loadShown(store, "sub-1");
    expect(isShown({ id: "a", name: "A" }, shown)).toBe(false);
    expect(isShown({ id: "b", name: "B", visible: false }, shown)).toBe(true);
    expect(loadShown(store, "sub-2")).toEqual({});
    m.set("aurora.shown.sub-3", "[1,2]");
    expect(loadShown(store, "sub-3")).toEqual({});
  });
});

describe("the settings' zones", () => {
  it("every zone the browser knows, plus the account's, the device's and UTC, sorted, once each", () => {
    const zones = zoneChoices("Asia/Calcutta", "Europe/Berlin");
    expect(zones).toContain("Asia/Calcutta"); // an alias the list may not have
    expect(zones).toContain("Europe/Berlin");
    expect(zones).toContain("UTC");
    expect(zones.length).toBeGreaterThan(300);
    expect(new Set(zones).size).toBe(zones.length);
    expect([...zones].sort((a, b) => a.localeCompare(b))).toEqual(zones);
  });

  it("a zone the browser does not know is not used for display", () => {
    expect(validZone("Mars/Olympus")).toBeNull();
    expect(validZone("America/New_York")).toBe("America/New_York");
    expect(validZone(null)).toBeNull();
  });
});
