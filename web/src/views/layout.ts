// Pure layout: which items fall on which day, and how overlapping timed items
// sit side by side in a day column. One pass each; no DOM.
import type { Item } from "./items";
import { dayNumberOfWall } from "../time/zone";

/** The shortest block drawn (minutes), so a 0- or 5-minute event stays clickable. */
export const MIN_BLOCK = 20;

export interface Span {
  /** Minutes from the day's midnight (wall clock). */
  top: number;
  bottom: number;
}

export interface Placed<T> extends Span {
  item: T;
  /** Column (0-based) and how many columns its overlap group has. */
  col: number;
  cols: number;
  /** Columns it is drawn across: its own and the free ones to its right. */
  span: number;
}

/**
 * Side-by-side layout of overlapping spans: spans are grouped into clusters of
 * transitively overlapping ones; each takes the first free column of its cluster;
 * every member of a cluster gets the cluster's column count.
 */
export function layoutColumns<T>(spans: Array<Span & { item: T }>): Placed<T>[] {
  const sorted = spans
    .map((s) => ({ ...s, bottom: Math.max(s.bottom, s.top + MIN_BLOCK) }))
    .sort((a, b) => a.top - b.top || b.bottom - a.bottom);
  const out: Placed<T>[] = [];
  let cluster: Placed<T>[] = [];
  let colEnds: number[] = [];
  let clusterEnd = -Infinity;
  const close = () => {
    const cols = colEnds.length;
    for (const p of cluster) {
      p.cols = cols;
      // Widen into the columns to the right that nothing overlapping it uses.
      let span = 1;
      while (p.col + span < cols && !cluster.some((q) => q.col === p.col + span && q.top < p.bottom && p.top < q.bottom)) span++;
      p.span = span;
    }
    cluster = [];
    colEnds = [];
  };
  for (const s of sorted) {
    if (s.top >= clusterEnd) {
      close();
      clusterEnd = -Infinity;
    }
    let col = colEnds.findIndex((end) => end <= s.top);
    if (col < 0) {
      col = colEnds.length;
      colEnds.push(s.bottom);
    } else {
      colEnds[col] = s.bottom;
    }
    const p: Placed<T> = { ...s, col, cols: 1, span: 1 };
    cluster.push(p);
    out.push(p);
    clusterEnd = Math.max(clusterEnd, s.bottom);
  }
  close();
  return out;
}

/** The span of a timed item within one day (day number), in wall minutes. */
export function spanOnDay(it: Item, day: number): Span {
  const sDay = dayNumberOfWall(it.startWall);
  const eDay = dayNumberOfWall(it.endWall);
  const top = sDay < day ? 0 : it.startWall.h * 60 + it.startWall.mi;
  const bottom = eDay > day ? 24 * 60 : it.endWall.h * 60 + it.endWall.mi;
  return { top, bottom: Math.max(bottom, top) };
}

/**
 * Items per day for days [firstDay, firstDay + count): each item on every day it
 * covers, in the items' order. One pass over the items.
 */
export function byDay(items: Item[], firstDay: number, count: number): Item[][] {
  const days: Item[][] = Array.from({ length: count }, () => []);
  const lastDay = firstDay + count - 1;
  for (const it of items) {
    const a = Math.max(it.firstDay, firstDay);
    const b = Math.min(it.lastDay, lastDay);
    for (let d = a; d <= b; d++) (days[d - firstDay] as Item[]).push(it);
  }
  for (let i = 0; i < count; i++) {
    const list = days[i] as Item[];
    if (list.length > 1) dayOrder(list, firstDay + i);
  }
  return days;
}

/**
 * One day's items in reading order: all-day ones and those running through the
 * whole day first, then by start. Each list is small; sorting it is cheap.
 */
export function dayOrder(list: Item[], day: number): Item[] {
  const rank = (it: Item) => (it.allDay ? 0 : it.firstDay < day ? (it.lastDay > day ? 0 : 1) : 2);
  return list.sort((a, b) => rank(a) - rank(b) || a.start - b.start || a.end - b.end);
}

/** Timed items of one day placed in columns; all-day and multi-day ones go to the all-day row. */
export function weekDayLayout(dayItems: Item[], day: number): { allDay: Item[]; timed: Placed<Item>[] } {
  const allDay: Item[] = [];
  const spans: Array<Span & { item: Item }> = [];
  for (const it of dayItems) {
    if (it.allDay || it.lastDay > it.firstDay) allDay.push(it);
    else spans.push({ ...spanOnDay(it, day), item: it });
  }
  return { allDay, timed: layoutColumns(spans) };
}

export interface Bar<T> {
  item: T;
  /** First and last column (0-based, inclusive) and the row it sits in. */
  from: number;
  to: number;
  row: number;
}

/**
 * The all-day row of a week: each all-day or multi-day item one bar across the
 * days it covers, in the first row where those days are free (longer bars first).
 */
export function barRows(items: Item[], firstDay: number, count: number): { bars: Bar<Item>[]; rows: number } {
  const lastDay = firstDay + count - 1;
  const bars: Bar<Item>[] = [];
  for (const it of items) {
    if (!(it.allDay || it.lastDay > it.firstDay)) continue;
    if (it.lastDay < firstDay || it.firstDay > lastDay) continue;
    bars.push({ item: it, from: Math.max(it.firstDay, firstDay) - firstDay, to: Math.min(it.lastDay, lastDay) - firstDay, row: 0 });
  }
  bars.sort((a, b) => a.from - b.from || (b.to - b.from) - (a.to - a.from) || a.item.start - b.item.start);
  const taken: boolean[][] = [];
  for (const bar of bars) {
    let row = 0;
    for (;; row++) {
      const r = taken[row] ?? (taken[row] = []);
      let free = true;
      for (let c = bar.from; c <= bar.to; c++) if (r[c]) { free = false; break; }
      if (free) {
        for (let c = bar.from; c <= bar.to; c++) r[c] = true;
        break;
      }
    }
    bar.row = row;
  }
  return { bars, rows: taken.length };
}
