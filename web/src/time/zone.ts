// Zone and date math on Intl only (no moment, no luxon).
//
// Dates are 'YYYY-MM-DD' strings; wall clocks are {y, mo, d, h, mi} in a zone;
// instants are epoch milliseconds. The rules for wall clocks that do not exist or
// exist twice are the desktop's (docs/recurrence.md, "Gaps and overlaps"):
// a wall time in a DST gap is read with the offset in force before the gap (it
// moves forward by the gap's length), a wall time in an overlap means the first.

export interface Wall {
  y: number;
  mo: number; // 1..12
  d: number;
  h: number;
  mi: number;
  s?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const DAY_MS = 24 * HOUR;

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      era: "short",
    });
    partsFormatters.set(zone, f);
  }
  return f;
}

/** True when Intl knows the zone. */
export function isValidZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function wallNoCache(ms: number, zone: string): Wall {
  const w: Wall = { y: 0, mo: 0, d: 0, h: 0, mi: 0, s: 0 };
  let bc = false;
  for (const p of partsFormatter(zone).formatToParts(new Date(ms))) {
    switch (p.type) {
      case "year": w.y = Number(p.value); break;
      case "month": w.mo = Number(p.value); break;
      case "day": w.d = Number(p.value); break;
      case "hour": w.h = Number(p.value) % 24; break;
      case "minute": w.mi = Number(p.value); break;
      case "second": w.s = Number(p.value); break;
      case "era": bc = p.value.startsWith("B"); break;
    }
  }
  if (bc) w.y = 1 - w.y;
  return w;
}

/** The wall clock as if it were UTC, in ms (the zone's offset is instant − this). */
export function wallToUtcMs(w: Wall): number {
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s ?? 0);
}

// Offsets are cached per zone: per UTC day when the offset is the same at both of
// its ends (almost every day: one Intl call per day), else per 15-minute bucket
// (every transition of the current tz database falls on a quarter hour).
const BUCKET = 15 * MINUTE;
interface ZoneCache {
  days: Map<number, number | null>;
  buckets: Map<number, number>;
}
const offsetCache = new Map<string, ZoneCache>();

function rawOffset(ms: number, zone: string): number {
  return wallToUtcMs(wallNoCache(ms, zone)) - Math.floor(ms / 1000) * 1000;
}

/** The zone's UTC offset at an instant, in ms (Berlin in winter: +3,600,000). */
export function offsetAt(ms: number, zone: string): number {
  let c = offsetCache.get(zone);
  if (!c) {
    c = { days: new Map(), buckets: new Map() };
    offsetCache.set(zone, c);
  }
  const day = Math.floor(ms / DAY_MS);
  let constant = c.days.get(day);
  if (constant === undefined) {
    if (c.days.size > 20_000) c.days.clear();
    const a = rawOffset(day * DAY_MS, zone);
    const b = rawOffset((day + 1) * DAY_MS, zone);
    constant = a === b ? a : null;
    c.days.set(day, constant);
  }
  if (constant !== null) return constant;
  const bucket = Math.floor(ms / BUCKET);
  let off = c.buckets.get(bucket);
  if (off === undefined) {
    off = rawOffset(bucket * BUCKET, zone);
    if (c.buckets.size > 50_000) c.buckets.clear();
    c.buckets.set(bucket, off);
  }
  return off;
}

/** The wall clock of an instant in a zone. */
export function wallOf(ms: number, zone: string): Wall {
  const local = ms + offsetAt(ms, zone);
  const dt = new Date(local);
  return {
    y: dt.getUTCFullYear(),
    mo: dt.getUTCMonth() + 1,
    d: dt.getUTCDate(),
    h: dt.getUTCHours(),
    mi: dt.getUTCMinutes(),
    s: dt.getUTCSeconds(),
  };
}

/** The instant of a wall clock in a zone (gap: forward by its length; overlap: the first). */
export function instantOf(w: Wall, zone: string): number {
  const asUtc = wallToUtcMs(w);
  // Offsets are within ±14 h, so the instant lies within asUtc ± 14 h.
  const before = offsetAt(asUtc - 18 * HOUR, zone);
  const after = offsetAt(asUtc + 18 * HOUR, zone);
  const candidates = before === after ? [before] : [Math.max(before, after), Math.min(before, after)];
  // Larger offset = earlier instant: the first of an overlap.
  for (const off of candidates) {
    const t = asUtc - off;
    if (offsetAt(t, zone) === off) return t;
  }
  // Also try the offset right at the guess (two transitions within 36 h, rare).
  const mid = offsetAt(asUtc - before, zone);
  if (offsetAt(asUtc - mid, zone) === mid) return asUtc - mid;
  // A gap: read with the offset in force before it.
  return asUtc - before;
}

// ---------------------------------------------------------------- dates

export function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function dateText(y: number, mo: number, d: number): string {
  const ys = y >= 0 && y < 10000 ? String(y).padStart(4, "0") : String(y);
  return `${ys}-${pad2(mo)}-${pad2(d)}`;
}

export function parseDate(date: string): { y: number; mo: number; d: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  return { y: Number(m[1]), mo: Number(m[2]), d: Number(m[3]) };
}

/** Days since 1970-01-01 of a date. */
export function dayNumber(date: string): number {
  const { y, mo, d } = parseDate(date);
  return Math.round(Date.UTC(y, mo - 1, d) / DAY_MS);
}

export function fromDayNumber(n: number): string {
  const dt = new Date(n * DAY_MS);
  return dateText(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate());
}

export function addDays(date: string, n: number): string {
  return fromDayNumber(dayNumber(date) + n);
}

/** 0 Sunday … 6 Saturday. */
export function weekday(date: string): number {
  return (((dayNumber(date) + 4) % 7) + 7) % 7;
}

/** The first day of the week containing date, weeks starting on weekStart (0 = Sunday). */
export function startOfWeek(date: string, weekStart: number): string {
  return addDays(date, -((weekday(date) - weekStart + 7) % 7));
}

export function addMonths(date: string, n: number): string {
  const { y, mo, d } = parseDate(date);
  const total = y * 12 + (mo - 1) + n;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = daysInMonth(ny, nm);
  return dateText(ny, nm, Math.min(d, last));
}

export function daysInMonth(y: number, mo: number): number {
  return new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** Days since 1970-01-01 of a wall clock's date (no string work). */
export function dayNumberOfWall(w: Wall): number {
  return Math.round(Date.UTC(w.y, w.mo - 1, w.d) / DAY_MS);
}

export function dateOfWall(w: Wall): string {
  return dateText(w.y, w.mo, w.d);
}

/** The date of an instant in a zone. */
export function dateIn(ms: number, zone: string): string {
  return dateOfWall(wallOf(ms, zone));
}

/** [start, end) instants of a day in a zone (23 or 25 h long on DST days). */
export function dayBounds(date: string, zone: string): { start: number; end: number } {
  const a = parseDate(date);
  const b = parseDate(addDays(date, 1));
  return {
    start: instantOf({ ...a, h: 0, mi: 0 }, zone),
    end: instantOf({ ...b, h: 0, mi: 0 }, zone),
  };
}

/** Today's date in a zone. */
export function todayIn(zone: string, now: number = Date.now()): string {
  return dateIn(now, zone);
}

// ---------------------------------------------------------------- wire times

/** 'YYYY-MM-DDTHH:MM' (datetime-local) of a wall clock. */
export function localText(w: Wall): string {
  return `${dateOfWall(w)}T${pad2(w.h)}:${pad2(w.mi)}`;
}

export function parseLocal(text: string): Wall {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(text);
  if (!m) throw new Error(`not a date-time: ${text}`);
  return {
    y: Number(m[1]), mo: Number(m[2]), d: Number(m[3]),
    h: Number(m[4] ?? 0), mi: Number(m[5] ?? 0), s: Number(m[6] ?? 0),
  };
}

function offsetText(offMs: number): string {
  const sign = offMs < 0 ? "-" : "+";
  const abs = Math.abs(Math.round(offMs / MINUTE));
  return `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** An instant as wire text with the zone's offset: '2026-11-25T09:00:00+01:00'. */
export function zonedWireText(ms: number, zone: string): string {
  const off = offsetAt(ms, zone);
  const w = wallOf(ms, zone);
  return `${localText(w)}:${pad2(w.s ?? 0)}${offsetText(off)}`;
}

export interface WireTime {
  kind: "date" | "floating" | "zoned";
  /** For zoned: the instant; for floating: the wall clock read in the viewer's zone. */
  wall: Wall;
  date: string;
  ms?: number;
}

/** Read a wire time: a date, a naive date-time (floating) or one with an offset. */
export function parseWire(text: string): WireTime {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const p = parseDate(text);
    return { kind: "date", wall: { ...p, h: 0, mi: 0 }, date: text };
  }
  const wall = parseLocal(text);
  const m = /(Z|[+-]\d{2}:?\d{2})$/.exec(text);
  if (!m) return { kind: "floating", wall, date: dateOfWall(wall) };
  let off = 0;
  const tag = m[1] ?? "Z";
  if (tag !== "Z") {
    const s = tag.replace(":", "");
    off = (s[0] === "-" ? -1 : 1) * (Number(s.slice(1, 3)) * 60 + Number(s.slice(3, 5))) * MINUTE;
  }
  const frac = /\.(\d{1,3})/.exec(text);
  const ms = wallToUtcMs(wall) - off + (frac ? Number((frac[1] ?? "0").padEnd(3, "0")) : 0);
  return { kind: "zoned", wall, date: dateOfWall(wall), ms };
}

/** Two wire times that stand for the same moment: one instant written with another
 * offset, or the same date / floating wall clock. */
export function sameWireTime(a: string, b: string): boolean {
  if (a === b) return true;
  const x = parseWire(a);
  const y = parseWire(b);
  if (x.kind !== y.kind) return false;
  if (x.kind === "zoned") return x.ms === y.ms;
  return localText(x.wall) === localText(y.wall);
}

/** The instant a wire time stands for, seen from a zone (dates: midnight there). */
export function wireInstant(text: string, zone: string): number {
  const t = parseWire(text);
  if (t.kind === "zoned") return t.ms as number;
  return instantOf(t.wall, zone);
}

// ---------------------------------------------------------------- locale

const SUNDAY_FIRST = new Set([
  "US", "CA", "JP", "IL", "BR", "MX", "PH", "KR", "TW", "HK", "ZA", "IN", "AR", "CO",
  "PE", "VE", "GT", "SV", "HN", "NI", "PA", "DO", "PR", "SA",
]);

/** First day of the week for a locale: 0 Sunday … 6 Saturday (Intl weekInfo, else a table). */
export function weekStartFor(locale: string): number {
  try {
    const loc = new Intl.Locale(locale) as Intl.Locale & {
      weekInfo?: { firstDay: number };
      getWeekInfo?: () => { firstDay: number };
    };
    const info = loc.getWeekInfo ? loc.getWeekInfo() : loc.weekInfo;
    if (info && typeof info.firstDay === "number") return info.firstDay % 7;
    const region = loc.maximize().region;
    if (region && SUNDAY_FIRST.has(region)) return 0;
  } catch {
    /* fall through */
  }
  return 1;
}
