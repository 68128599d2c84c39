// What a view shows and fetches.
import type { ViewKind } from "../contract";
import { addDays, addMonths, dayBounds, parseDate, dateText, daysInMonth, startOfWeek } from "../time/zone";

/** The days a view shows: [first, last] inclusive, 'YYYY-MM-DD'. */
export function viewDays(kind: ViewKind, anchor: string, weekStart: number): { first: string; last: string } {
  if (kind === "agenda") return { first: anchor, last: addDays(anchor, 13) };
  if (kind === "week") {
    const first = startOfWeek(anchor, weekStart);
    return { first, last: addDays(first, 6) };
  }
  const { y, mo } = parseDate(anchor);
  const first = startOfWeek(dateText(y, mo, 1), weekStart);
  const lastOfMonth = dateText(y, mo, daysInMonth(y, mo));
  const last = addDays(startOfWeek(lastOfMonth, weekStart), 6);
  return { first, last };
}

/** The window to fetch for a view: ISO instants in UTC ('Z'), end exclusive. */
export function viewRange(kind: ViewKind, anchor: string, zone: string, weekStart: number): { from: string; to: string } {
  const { first, last } = viewDays(kind, anchor, weekStart);
  return {
    from: new Date(dayBounds(first, zone).start).toISOString(),
    to: new Date(dayBounds(last, zone).end).toISOString(),
  };
}

/** Where Previous / Next go from an anchor. */
export function stepAnchor(kind: ViewKind, anchor: string, dir: 1 | -1): string {
  if (kind === "agenda") return addDays(anchor, 14 * dir);
  if (kind === "week") return addDays(anchor, 7 * dir);
  return addMonths(anchor, dir);
}
