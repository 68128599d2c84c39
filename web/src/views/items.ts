// Occurrences as the views draw them: read once per render, in the display zone.
import type { CalendarWire, OccurrenceWire } from "../api/types";
import type { Formats } from "../time/format";
import type { Wall } from "../time/zone";
import { dateOfWall, dayNumber, dayNumberOfWall, fromDayNumber, instantOf, parseWire, wallOf } from "../time/zone";

export const DEFAULT_COLOR = "#3b82f6";

export interface Item {
  occ: OccurrenceWire;
  key: string;
  title: string;
  allDay: boolean;
  /** Instants (ms) in the display zone. */
  start: number;
  end: number;
  startWall: Wall;
  endWall: Wall;
  /** First and last day it covers, inclusive (an end at midnight ends the day before). */
  firstDay: number;
  lastDay: number;
  color: string;
  cancelled: boolean;
  timeText: string;
  /** The accessible name: "Title, time text". */
  label: string;
}

export function titleOf(t: string | undefined): string {
  const s = (t ?? "").trim();
  return s === "" ? "(no title)" : s;
}

/** Reads the occurrences once: instants, walls, days, colours, labels. Sorted. */
export function toItems(
  occurrences: OccurrenceWire[],
  calendars: CalendarWire[],
  zone: string,
  fmt: Formats,
): Item[] {
  const colors = new Map<string, string>();
  for (const c of calendars) colors.set(c.id, c.color ?? DEFAULT_COLOR);
  const out: Item[] = [];
  for (let i = 0; i < occurrences.length; i++) {
    const occ = occurrences[i] as OccurrenceWire;
    const ev = occ.event;
    const s = parseWire(occ.start);
    const e = parseWire(occ.end);
    const allDay = s.kind === "date";
    let start: number, end: number, startWall: Wall, endWall: Wall, firstDay: number, lastDay: number;
    if (allDay) {
      startWall = s.wall;
      endWall = e.wall;
      firstDay = dayNumber(s.date);
      lastDay = Math.max(firstDay, dayNumber(e.date) - 1);
      start = instantOf(s.wall, zone);
      end = instantOf(e.wall, zone);
    } else {
      start = s.kind === "zoned" ? (s.ms as number) : instantOf(s.wall, zone);
      end = e.kind === "zoned" ? (e.ms as number) : instantOf(e.wall, zone);
      if (end < start) end = start;
      startWall = wallOf(start, zone);
      endWall = wallOf(end, zone);
      firstDay = dayNumberOfWall(startWall);
      lastDay = dayNumberOfWall(endWall);
      if (lastDay > firstDay && endWall.h === 0 && endWall.mi === 0) lastDay -= 1;
    }
    const title = titleOf(ev.title);
    const cancelled = ev.status === "cancelled";
    const timeText = timeTextOf(allDay, startWall, endWall, firstDay, lastDay, fmt);
    out.push({
      occ,
      key: `${ev.id}|${occ.recurrence_id ?? occ.start}|${i}`,
      title,
      allDay,
      start,
      end,
      startWall,
      endWall,
      firstDay,
      lastDay,
      color: colors.get(ev.calendar_id) ?? DEFAULT_COLOR,
      cancelled,
      timeText,
      label: `${title}, ${timeText}${cancelled ? ", cancelled" : ""}`,
    });
  }
  out.sort(compareItems);
  return out;
}

export function compareItems(a: Item, b: Item): number {
  if (a.firstDay !== b.firstDay) return a.firstDay - b.firstDay;
  if (a.allDay !== b.allDay) return a.allDay ? -1 : 1;
  if (a.start !== b.start) return a.start - b.start;
  if (a.end !== b.end) return b.end - a.end;
  return a.title < b.title ? -1 : a.title > b.title ? 1 : 0;
}

function timeTextOf(allDay: boolean, s: Wall, e: Wall, first: number, last: number, fmt: Formats): string {
  if (allDay) {
    if (last === first) return "All day";
    return `All day, ${fmt.dayMonth(fromDayNumber(first))} – ${fmt.dayMonth(fromDayNumber(last))}`;
  }
  const sameDay = first === last;
  if (sameDay) return `${fmt.time(s)}–${fmt.time(e)}`;
  return `${fmt.dayMonth(dateOfWall(s))} ${fmt.time(s)} – ${fmt.dayMonth(dateOfWall(e))} ${fmt.time(e)}`;
}
