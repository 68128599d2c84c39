// Locale formatting of times, days and ranges. Formatters are made once per
// (locale, zone) and times of day are cached by minute, so a month of 2,000
// occurrences costs a few hundred Intl calls, not thousands.
import type { Wall } from "./zone";
import { parseDate } from "./zone";

const DATE_OPTIONS: Record<string, Intl.DateTimeFormatOptions> = {
  L: { weekday: "long", day: "numeric", month: "long" },
  S: { weekday: "short", day: "numeric" },
  w: { weekday: "short" },
  W: { weekday: "long" },
  M: { month: "long", year: "numeric" },
  D: { day: "numeric", month: "short" },
  F: { day: "numeric", month: "short", year: "numeric" },
};

export class Formats {
  readonly locale: string;
  readonly hour12: boolean;
  private readonly timeF: Intl.DateTimeFormat;
  private readonly hourF: Intl.DateTimeFormat;
  private readonly made = new Map<string, Intl.DateTimeFormat>();
  private readonly byMinute = new Map<number, string>();
  private readonly byHour = new Map<number, string>();
  private readonly byDate = new Map<string, string>();

  constructor(locale: string) {
    this.locale = locale;
    // Wall clocks are formatted as UTC: the zone conversion is done already.
    const utc = { timeZone: "UTC" } as const;
    const probe = new Intl.DateTimeFormat(locale, { ...utc, hour: "numeric", minute: "2-digit" });
    this.hour12 = probe.resolvedOptions().hour12 === true;
    // 24-hour locales write 09:30 (two digits), 12-hour ones 9:30 AM.
    this.timeF = this.hour12 ? probe : new Intl.DateTimeFormat(locale, { ...utc, hour: "2-digit", minute: "2-digit" });
    this.hourF = new Intl.DateTimeFormat(locale, this.hour12
      ? { ...utc, hour: "numeric" }
      : { ...utc, hour: "2-digit", minute: "2-digit" });
  }

  /** '09:30' or '9:30 AM', as the locale writes it. */
  time(w: Wall): string {
    const key = w.h * 60 + w.mi;
    let s = this.byMinute.get(key);
    if (s === undefined) {
      s = this.timeF.format(Date.UTC(2000, 0, 1, w.h, w.mi));
      this.byMinute.set(key, s);
    }
    return s;
  }

  /** The label of an hour row: '08:00' or '8 AM'. */
  hour(h: number): string {
    let s = this.byHour.get(h);
    if (s === undefined) {
      s = this.hourF.format(Date.UTC(2000, 0, 1, h, 0));
      this.byHour.set(h, s);
    }
    return s;
  }

  /** A formatter made on first use (making one costs about a millisecond). */
  private f(tag: string): Intl.DateTimeFormat {
    let f = this.made.get(tag);
    if (!f) {
      const opts = DATE_OPTIONS[tag] as Intl.DateTimeFormatOptions;
      f = new Intl.DateTimeFormat(this.locale, { timeZone: "UTC", ...opts });
      this.made.set(tag, f);
    }
    return f;
  }

  private cached(tag: string, date: string): string {
    const key = tag + date;
    let s = this.byDate.get(key);
    if (s === undefined) {
      const { y, mo, d } = parseDate(date);
      s = this.f(tag).format(Date.UTC(y, mo - 1, d, 12));
      this.byDate.set(key, s);
    }
    return s;
  }

  /** 'Thursday 3 December'. */
  dayLong(date: string): string { return this.cached("L", date); }
  /** 'Thu 3'. */
  dayShort(date: string): string { return this.cached("S", date); }
  /** 'Thu'. */
  weekdayShort(date: string): string { return this.cached("w", date); }
  /** 'Thursday'. */
  weekdayLong(date: string): string { return this.cached("W", date); }
  /** 'December 2026'. */
  monthYear(date: string): string { return this.cached("M", date); }
  /** '3 Dec'. */
  dayMonth(date: string): string { return this.cached("D", date); }
  /** '3 Dec 2026'. */
  fullDate(date: string): string { return this.cached("F", date); }

  /** '30 Nov – 6 Dec 2026' (a week's heading). */
  dateRange(first: string, last: string): string {
    const a = parseDate(first);
    const b = parseDate(last);
    const f = this.f("F") as Intl.DateTimeFormat & {
      formatRange?: (x: number, y: number) => string;
    };
    if (typeof f.formatRange === "function") {
      return f.formatRange(Date.UTC(a.y, a.mo - 1, a.d, 12), Date.UTC(b.y, b.mo - 1, b.d, 12));
    }
    return `${this.dayMonth(first)} – ${this.fullDate(last)}`;
  }
}

const cache = new Map<string, Formats>();

/** The Formats of a locale, made once. */
export function formatsFor(locale: string): Formats {
  let f = cache.get(locale);
  if (!f) {
    try {
      f = new Formats(locale);
    } catch {
      f = new Formats("en-GB");
    }
    cache.set(locale, f);
  }
  return f;
}

/** Minutes since the wall clock's midnight. */
export function minuteOfDay(w: Wall): number {
  return w.h * 60 + w.mi;
}

export function sameWallDate(a: Wall, b: Wall): boolean {
  return a.y === b.y && a.mo === b.mo && a.d === b.d;
}


