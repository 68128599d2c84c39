// The shell's date arithmetic on plain dates ('YYYY-MM-DD', no zone): what period a
// view shows, its title, where Previous/Next go, the locale's first weekday.
import type { ViewKind } from "./contract";
import { currentName } from "./time/zonelist";

/** The agenda shows this many days from its anchor (as views/agenda does). */
export const AGENDA_DAYS = 14;

function toUtc(date: string): Date {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
}

function fromUtc(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(date: string, n: number): string {
  const d = toUtc(date);
  d.setUTCDate(d.getUTCDate() + n);
  return fromUtc(d);
}

/** Same day of month n months on, clamped to the month's length (31 Jan + 1 → 28/29 Feb). */
export function addMonths(date: string, n: number): string {
  const d = toUtc(date);
  const day = d.getUTCDate();
  const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(day, last));
  return fromUtc(first);
}

export function startOfWeek(date: string, weekStart: number): string {
  const dow = toUtc(date).getUTCDay();
  return addDays(date, -((dow - weekStart + 7) % 7));
}

/** The first and last day a view shows. */
export function periodDays(kind: ViewKind, anchor: string, weekStart: number): { first: string; last: string } {
  if (kind === "agenda") return { first: anchor, last: addDays(anchor, AGENDA_DAYS - 1) };
  if (kind === "week") {
    const first = startOfWeek(anchor, weekStart);
    return { first, last: addDays(first, 6) };
  }
  const first = `${anchor.slice(0, 7)}-01`;
  return { first, last: addDays(addMonths(first, 1), -1) };
}

export function step(kind: ViewKind, anchor: string, dir: 1 | -1): string {
  if (kind === "agenda") return addDays(anchor, AGENDA_DAYS * dir);
  if (kind === "week") return addDays(anchor, 7 * dir);
  return addMonths(anchor, dir);
}

/** The h1 of a view: "December 2026", "30 Nov – 6 Dec 2026" (en-GB), "Nov 30 – Dec 6, 2026" (en-US). */
export function periodTitle(kind: ViewKind, anchor: string, weekStart: number, locale: string): string {
  if (kind === "month") {
    return plainSpaces(new Intl.DateTimeFormat(locale, { month: "long", year: "numeric", timeZone: "UTC" }).format(toUtc(anchor)));
  }
  const { first, last } = periodDays(kind, anchor, weekStart);
  const fmt = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  return plainSpaces(fmt.formatRange(toUtc(first), toUtc(last)));
}

/** Intl puts thin and narrow no-break spaces around the dash; titles use plain ones. */
function plainSpaces(s: string): string {
  return s.replace(/[\u2009\u202f\u00a0]/g, " ");
}

/** First day of the week for a locale: 0 Sunday … 6 Saturday (Intl.Locale week info, else Monday but in the US). */
export function weekStartFor(locale: string): number {
  try {
    const loc = new Intl.Locale(locale) as Intl.Locale & {
      getWeekInfo?(): { firstDay: number };
      weekInfo?: { firstDay: number };
    };
    const info = loc.getWeekInfo?.() ?? loc.weekInfo;
    if (info && typeof info.firstDay === "number") return info.firstDay % 7;
    const region = loc.maximize().region;
    return region === "US" || region === "CA" ? 0 : 1;
  } catch {
    return 1;
  }
}

/** A zone the browser can use, else null. */
export function validZone(zone: string | null | undefined): string | null {
  if (!zone) return null;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone;
  } catch {
    return null;
  }
}

export function browserZone(): string {
  // Under its current name (Chromium may say Asia/Calcutta for Kolkata): new events and
  // the settings' list use the name people know.
  return currentName(validZone(Intl.DateTimeFormat().resolvedOptions().timeZone) ?? "UTC");
}

/** Today in a zone, 'YYYY-MM-DD'. */
export function todayIn(zone: string, now: number = Date.now()): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })
    .formatToParts(new Date(now));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** The hour after `now` in a zone, 'HH:MM' (a new event's start when it is today). */
export function nextHourIn(zone: string, now: number = Date.now()): string | null {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", hourCycle: "h23" }).formatToParts(new Date(now));
  const h = Number(parts.find((p) => p.type === "hour")?.value ?? "0");
  if (h >= 23) return null;
  return `${String(h + 1).padStart(2, "0")}:00`;
}
