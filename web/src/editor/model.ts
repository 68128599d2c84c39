// The editor's form model: pure functions between EventWire and what the form shows.
//
// Times in the form are wall clocks in the event's own zone ('YYYY-MM-DDTHH:MM'),
// or dates for all-day events, where the form's end is the last day (inclusive)
// and the wire's end is the day after (exclusive), as the desktop editor shows it.
import type { CalendarWire, EventWire, OccurrenceWire, ReminderWire } from "../api/types";
import { formatsFor } from "../time/format";
import {
  addDays, dateOfWall, instantOf, isValidZone, localText, parseLocal, parseWire, sameWireTime, wallOf, weekday,
  wireInstant, zonedWireText,
} from "../time/zone";

export const FLOATING = "";

export type Repeat = "none" | "daily" | "weekly" | "monthly" | "yearly" | "custom";
export type RepeatEnd = "never" | "until" | "count";
export const WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
export const WEEKDAY_LABELS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

/** Reminder choices (minutes before the start) and their labels, as the contract names them. */
export const REMINDER_CHOICES: Array<[number, string]> = [
  [0, "At start"],
  [5, "5 minutes before"],
  [10, "10 minutes before"],
  [15, "15 minutes before"],
  [30, "30 minutes before"],
  [60, "1 hour before"],
  [1440, "1 day before"],
];

export function reminderLabel(minutes: number): string {
  const known = REMINDER_CHOICES.find(([m]) => m === minutes);
  if (known) return known[1];
  if (minutes < 0) return `${-minutes} minutes after the start`;
  if (minutes % 1440 === 0) return `${minutes / 1440} days before`;
  if (minutes % 60 === 0) return `${minutes / 60} hours before`;
  return `${minutes} minutes before`;
}

export interface Form {
  title: string;
  allDay: boolean;
  /** 'YYYY-MM-DDTHH:MM' (timed) or 'YYYY-MM-DD' (all day). */
  start: string;
  /** Timed: the end; all day: the last day (inclusive). */
  end: string;
  /** IANA zone, or FLOATING ('') for a floating event. */
  zone: string;
  location: string;
  notes: string;
  calendarId: string;
  repeat: Repeat;
  /** Weekly: the days ('MO'..'SU'). */
  days: string[];
  repeatEnd: RepeatEnd;
  /** 'YYYY-MM-DD' (inclusive). */
  until: string;
  count: number;
  /** Minutes before, or null for none. */
  email: number | null;
  notification: number | null;
  /** A rule the form cannot show: kept as it is while repeat stays "custom". */
  customRule: string | null;
  /**
   * The event's zone is one Intl cannot compute (a zone an imported file defined,
   * `X-AURORA/<hash>`): All day, Starts, Ends and Time zone are shown as they are
   * and never written; a save keeps the wire's start, end and timezone strings.
   */
  timesReadOnly?: boolean;
}

/** What the form does not show but keeps: reminders past the first of each channel. */
export interface Kept {
  otherReminders: ReminderWire[];
  /** The wire times of what the form shows (the occurrence's, else the event's), as they came. */
  times?: { start: string; end: string };
}

/** Whether the browser must leave an event's times alone: a zone Intl cannot compute. */
export function timesLocked(zone: string | null | undefined): boolean {
  return !!zone && !isValidZone(zone);
}

// ---------------------------------------------------------------- rules

export interface RuleView {
  repeat: Repeat;
  days: string[];
  repeatEnd: RepeatEnd;
  until: string;
  count: number;
}

/** Reads an RRULE the way the form can show it; anything else is "custom". */
export function ruleToForm(rule: string | null | undefined, startDate: string): RuleView {
  const own = WEEKDAY_CODES[(weekday(startDate) + 6) % 7] as string;
  const base: RuleView = { repeat: "none", days: [own], repeatEnd: "never", until: addDays(startDate, 30), count: 10 };
  if (!rule) return base;
  const parts = new Map<string, string>();
  for (const p of rule.replace(/^RRULE:/i, "").split(";")) {
    if (!p) continue;
    const i = p.indexOf("=");
    if (i < 1) return { ...base, repeat: "custom" };
    parts.set(p.slice(0, i).toUpperCase(), p.slice(i + 1).toUpperCase());
  }
  const freq = parts.get("FREQ");
  parts.delete("FREQ");
  const interval = parts.get("INTERVAL");
  parts.delete("INTERVAL");
  if (interval !== undefined && interval !== "1") return { ...base, repeat: "custom" };
  parts.delete("WKST");
  const count = parts.get("COUNT");
  const until = parts.get("UNTIL");
  parts.delete("COUNT");
  parts.delete("UNTIL");
  let view: RuleView | null = null;
  const keys = [...parts.keys()];
  if (freq === "DAILY" && keys.length === 0) view = { ...base, repeat: "daily" };
  else if (freq === "WEEKLY" && keys.every((k) => k === "BYDAY")) {
    const days = (parts.get("BYDAY") ?? "").split(",").filter((d) => d);
    if (days.every((d) => (WEEKDAY_CODES as readonly string[]).includes(d))) {
      view = { ...base, repeat: "weekly", days: days.length ? sortDays(days) : [own] };
    }
  } else if (freq === "MONTHLY" && (keys.length === 0 || (keys.length === 1 && parts.get("BYMONTHDAY") === String(Number(startDate.slice(8)))))) {
    view = { ...base, repeat: "monthly" };
  } else if (freq === "YEARLY" && keys.length === 0) view = { ...base, repeat: "yearly" };
  if (!view) return { ...base, repeat: "custom" };
  if (count !== undefined && until !== undefined) return { ...base, repeat: "custom" };
  if (count !== undefined) {
    const n = Number(count);
    if (!Number.isInteger(n) || n < 1) return { ...base, repeat: "custom" };
    return { ...view, repeatEnd: "count", count: n };
  }
  if (until !== undefined) {
    const m = /^(\d{4})(\d{2})(\d{2})/.exec(until);
    if (!m) return { ...base, repeat: "custom" };
    return { ...view, repeatEnd: "until", until: `${m[1]}-${m[2]}-${m[3]}` };
  }
  return view;
}

function sortDays(days: string[]): string[] {
  return [...new Set(days)].sort(
    (a, b) => WEEKDAY_CODES.indexOf(a as never) - WEEKDAY_CODES.indexOf(b as never));
}

/** The RRULE of the form's simple repeat (null: does not repeat; custom: the kept rule). */
export function formToRule(f: Form): string | null {
  if (f.repeat === "none") return null;
  if (f.repeat === "custom") return f.customRule;
  const freq = { daily: "DAILY", weekly: "WEEKLY", monthly: "MONTHLY", yearly: "YEARLY" }[f.repeat];
  const parts = [`FREQ=${freq}`];
  if (f.repeat === "weekly") {
    const own = WEEKDAY_CODES[(weekday(f.start.slice(0, 10)) + 6) % 7] as string;
    const days = sortDays(f.days);
    if (days.length && !(days.length === 1 && days[0] === own)) parts.push(`BYDAY=${days.join(",")}`);
  }
  if (f.repeatEnd === "until") parts.push(`UNTIL=${f.until.replace(/-/g, "")}`);
  else if (f.repeatEnd === "count") parts.push(`COUNT=${Math.max(1, Math.floor(f.count))}`);
  return parts.join(";");
}

// ---------------------------------------------------------------- event <-> form

function firstReminder(list: ReminderWire[] | undefined, channel: "email" | "notification"): ReminderWire | null {
  return (list ?? []).find((r) => (r.channel ?? "notification") === channel) ?? null;
}

/** The wall clock text of a wire time in the event's zone ('' zone: as written). */
function wallTextIn(text: string, zone: string): string {
  const t = parseWire(text);
  if (t.kind === "zoned" && zone && isValidZone(zone)) return localText(wallOf(t.ms as number, zone));
  return localText(t.wall);
}

/**
 * The form for an event. With an occurrence, the times are the occurrence's
 * (a series' instance), otherwise the event's own.
 */
export function eventToForm(ev: EventWire, occ: OccurrenceWire | null, displayZone: string): { form: Form; kept: Kept } {
  const allDay = ev.all_day === true;
  const startText = occ ? occ.start : ev.start;
  const endText = occ ? occ.end : ev.end;
  const zone = ev.timezone ?? FLOATING;
  const locked = timesLocked(zone);
  const viewZone = zone && isValidZone(zone) ? zone : displayZone;
  let start: string, end: string;
  if (locked && !allDay) {
    // The wire writes a zoned time with the zone's own offset: its wall clock is the
    // event's own, as the desktop shows it (Intl could not convert it anyway).
    start = localText(parseWire(startText).wall);
    end = localText(parseWire(endText).wall);
  } else if (allDay) {
    start = startText.slice(0, 10);
    end = addDays(endText.slice(0, 10), -1);
    if (end < start) end = start;
  } else {
    start = wallTextIn(startText, viewZone);
    end = wallTextIn(endText, viewZone);
  }
  const rule = ruleToForm(ev.rrule, (occ ? ev.start : start).slice(0, 10));
  const email = firstReminder(ev.reminders, "email");
  const notif = firstReminder(ev.reminders, "notification");
  const otherReminders = (ev.reminders ?? []).filter((r) => r !== email && r !== notif);
  return {
    form: {
      title: ev.title ?? "",
      allDay,
      start,
      end,
      zone, // the event's own, even one Intl cannot compute (then read-only)
      location: ev.location ?? "",
      notes: ev.notes ?? "",
      calendarId: ev.calendar_id,
      ...rule,
      email: email ? email.minutes_before : null,
      notification: notif ? notif.minutes_before : null,
      customRule: rule.repeat === "custom" ? (ev.rrule ?? null) : null,
      ...(locked ? { timesReadOnly: true } : {}),
    },
    kept: { otherReminders, times: { start: startText, end: endText } },
  };
}

/** Calendars a new or moved event may go to. */
export function writableCalendars(calendars: CalendarWire[]): CalendarWire[] {
  return calendars.filter((c) => !c.read_only && !c.source_url && !c.deleted);
}

/** The form of a new event at a slot ('YYYY-MM-DDTHH:MM', or a date when all day). */
export function newForm(at: string | null, allDay: boolean, zone: string, calendars: CalendarWire[], now: number = Date.now(),
  shownIds?: string[]): Form {
  let start: string;
  if (at) start = allDay ? at.slice(0, 10) : at.length >= 16 ? at.slice(0, 16) : `${at.slice(0, 10)}T09:00`;
  else {
    // The next whole hour in the zone.
    const w = wallOf(now + 3_600_000, zone);
    start = allDay ? localText(w).slice(0, 10) : `${localText({ ...w, mi: 0 })}`;
  }
  const end = allDay ? start : plusMinutes(start, 60, zone);
  const cal = defaultCalendar(calendars, shownIds);
  return {
    title: "",
    allDay,
    start,
    end,
    zone,
    location: "",
    notes: "",
    calendarId: cal?.id ?? "",
    ...ruleToForm(null, start.slice(0, 10)),
    email: null,
    notification: allDay ? null : 10,
    customRule: null,
  };
}

/**
 * Where a new event goes: the first writable calendar that is shown (the side
 * panel's choice when given, else the calendar's `visible`), else the first writable.
 */
export function defaultCalendar(calendars: CalendarWire[], shownIds?: string[]): CalendarWire | undefined {
  const writable = writableCalendars(calendars);
  const shown = shownIds
    ? writable.find((c) => shownIds.includes(c.id))
    : writable.find((c) => c.visible !== false);
  return shown ?? writable[0];
}

/** A local wall-clock text plus minutes of elapsed time, in a zone. */
export function plusMinutes(local: string, minutes: number, zone: string): string {
  const z = zone && isValidZone(zone) ? zone : "UTC";
  return localText(wallOf(instantOf(parseLocal(local), z) + minutes * 60_000, z));
}

export type Errors = Partial<Record<"title" | "start" | "end" | "until" | "count" | "days" | "calendar" | "zone", string>>;

/** Inline problems with the form; empty when it can be saved. An empty title is allowed. */
export function validate(f: Form): Errors {
  const e: Errors = {};
  const dateRe = /^\d{4}-\d{2}-\d{2}$/;
  const timeRe = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
  const re = f.allDay ? dateRe : timeRe;
  if (!re.test(f.start)) e.start = f.allDay ? "Enter a start date." : "Enter a start date and time.";
  if (!re.test(f.end)) e.end = f.allDay ? "Enter an end date." : "Enter an end date and time.";
  if (!e.start && !e.end && f.end < f.start) e.end = "The event ends before it starts.";
  if (f.title.length > 500) e.title = "The title is too long (500 characters at most).";
  if (!f.calendarId) e.calendar = "Choose a calendar.";
  if (f.zone && !isValidZone(f.zone) && !f.timesReadOnly) e.zone = "Choose a time zone.";
  if (f.repeat === "weekly" && f.days.length === 0) e.days = "Choose at least one day.";
  if (f.repeat !== "none" && f.repeat !== "custom") {
    if (f.repeatEnd === "until") {
      if (!dateRe.test(f.until)) e.until = "Enter the date the repeat ends.";
      else if (!e.start && f.until < f.start.slice(0, 10)) e.until = "The repeat ends before the event starts.";
    }
    if (f.repeatEnd === "count" && !(Number.isInteger(f.count) && f.count >= 1 && f.count <= 1000)) {
      e.count = "Enter a number of occurrences from 1 to 1000.";
    }
  }
  return e;
}

/** A wall-clock text (or date) as wire text in the form's zone (or floating). */
export function wireTimeOf(local: string, allDay: boolean, zone: string): string {
  if (allDay) return local.slice(0, 10);
  if (!zone) return `${local.slice(0, 16)}:00`;
  return zonedWireText(instantOf(parseLocal(local), zone), zone);
}

/** The reminders the form stands for (first email, first notification, then the kept ones). */
export function formReminders(f: Form, kept: Kept): ReminderWire[] {
  const out: ReminderWire[] = [];
  if (f.email !== null) out.push({ minutes_before: f.email, channel: "email" });
  if (f.notification !== null) out.push({ minutes_before: f.notification, channel: "notification" });
  return [...out, ...kept.otherReminders];
}

/**
 * The event the form describes, built on `base` (what is kept: id, uid, status,
 * exdates, rdates, ical_extra, recurrence_id…). `withRule`: false for an override
 * (a single instance has no rule of its own).
 */
export function formToEvent(f: Form, kept: Kept, base: EventWire, withRule = true): EventWire {
  const ev: EventWire = {
    ...base,
    title: f.title,
    location: f.location,
    notes: f.notes,
    calendar_id: f.calendarId,
    reminders: formReminders(f, kept),
  };
  // Read-only times (a zone the browser cannot compute) go back as they came.
  if (!f.timesReadOnly) {
    ev.all_day = f.allDay;
    ev.start = wireTimeOf(f.start, f.allDay, f.zone);
    ev.end = f.allDay ? addDays(f.end.slice(0, 10), 1) : wireTimeOf(f.end, false, f.zone);
    ev.timezone = f.allDay ? null : f.zone || null;
  }
  if (withRule) ev.rrule = formToRule(f);
  return ev;
}

/** The form fields that differ (for "what did the user change"). */
export function changedFields(a: Form, b: Form): Set<keyof Form> {
  const out = new Set<keyof Form>();
  for (const k of Object.keys(a) as Array<keyof Form>) {
    const x = a[k];
    const y = b[k];
    if (Array.isArray(x) && Array.isArray(y)) {
      if (sortDays(x).join(",") !== sortDays(y).join(",")) out.add(k);
    } else if (x !== y) out.add(k);
  }
  return out;
}

export const REPEAT_FIELDS: Array<keyof Form> = ["repeat", "days", "repeatEnd", "until", "count", "customRule"];

/** Did the repeat change (what "only this event" cannot do)? */
export function repeatChanged(a: Form, b: Form): boolean {
  if (a.repeat === "none" && b.repeat === "none") return false;
  return formToRule(a) !== formToRule(b);
}

// ---------------------------------------------------------------- what changed elsewhere

/** Field names, in the words the form uses, that differ between two versions of an event. */
export function describeChanges(before: EventWire, after: EventWire): string[] {
  const out: string[] = [];
  const same = (x: unknown, y: unknown) => JSON.stringify(x ?? null) === JSON.stringify(y ?? null);
  if (!same(before.title ?? "", after.title ?? "")) out.push("Title");
  if (!same(before.all_day ?? false, after.all_day ?? false)) out.push("All day");
  if (!sameWireTime(before.start, after.start)) out.push("Starts");
  if (!sameWireTime(before.end, after.end)) out.push("Ends");
  if (!same(before.timezone, after.timezone)) out.push("Time zone");
  if (!same(before.location ?? "", after.location ?? "")) out.push("Location");
  if (!same(before.notes ?? "", after.notes ?? "")) out.push("Notes");
  if (!same(before.calendar_id, after.calendar_id)) out.push("Calendar");
  if (!same(before.rrule, after.rrule)) out.push("Repeat");
  if (!same(before.exdates ?? [], after.exdates ?? []) || !same(before.rdates ?? [], after.rdates ?? [])) {
    out.push("Dates of the series");
  }
  if (!same(before.reminders ?? [], after.reminders ?? [])) out.push("Reminders");
  if (!same(before.status ?? "confirmed", after.status ?? "confirmed")) out.push("Status");
  return out;
}

/** A wire time as the user reads it in ``zone``: '16:00', or '8 Dec, 16:00' when its day
 * is not ``was``'s; a date: '8 Dec' (an all-day end is shown as its last day, as the form
 * shows it). */
function timeText(text: string, zone: string, locale: string, was: string, end: boolean): string {
  const f = formatsFor(locale);
  const t = parseWire(text);
  if (t.kind === "date") return f.dayMonth(end ? addDays(t.date, -1) : t.date);
  const wall = wallOf(wireInstant(text, zone), zone);
  const day = dateOfWall(wall);
  const before = parseWire(was).kind === "date" ? "" : dateOfWall(wallOf(wireInstant(was, zone), zone));
  return day === before ? f.time(wall) : `${f.dayMonth(day)}, ${f.time(wall)}`;
}

/** The alert's lines: each changed field, with its new value where that is short text or
 * a time (shown in ``zone`` when given, in the locale's words). */
export function changeLines(before: EventWire, after: EventWire, zone?: string,
                            locale = "en-GB"): string[] {
  const quote = (t: string | undefined, empty: string) => {
    const v = (t ?? "").trim();
    if (!v) return empty;
    return `“${v.length > 60 ? `${v.slice(0, 59)}…` : v}”`;
  };
  return describeChanges(before, after).map((name) => {
    if (name === "Title") return `Title: now ${quote(after.title, "(no title)")}`;
    if (name === "Location") return `Location: now ${quote(after.location, "empty")}`;
    if (zone && (name === "Starts" || name === "Ends")) {
      const text = name === "Starts" ? after.start : after.end;
      const was = name === "Starts" ? before.start : before.end;
      try {
        return `${name}: now ${timeText(text, zone, locale, was, name === "Ends")}`;
      } catch {
        return name; // a zone this browser cannot compute: name the field only
      }
    }
    if (name === "Status" && after.status === "cancelled") return "Status: now cancelled";
    return name;
  });
}

