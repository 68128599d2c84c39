// Pieces the three views share.
import { useEffect, useMemo, useState } from "preact/hooks";
import type { CalendarWire, OccurrenceWire } from "../api/types";
import { formatsFor } from "../time/format";
import type { Formats } from "../time/format";
import type { Item } from "./items";
import { toItems } from "./items";

export function useFormats(locale: string): Formats {
  return useMemo(() => formatsFor(locale), [locale]);
}

export function useItems(
  occurrences: OccurrenceWire[],
  calendars: CalendarWire[],
  zone: string,
  fmt: Formats,
): Item[] {
  return useMemo(() => toItems(occurrences, calendars, zone, fmt), [occurrences, calendars, zone, fmt]);
}

/** True below 640 px (phone width). */
export function useNarrow(): boolean {
  const query = "(max-width: 639.98px)";
  const get = () => typeof window !== "undefined" && typeof window.matchMedia === "function"
    && window.matchMedia(query).matches;
  const [narrow, setNarrow] = useState<boolean>(get);
  useEffect(() => {
    if (typeof window === "undefined" || typeof window.matchMedia !== "function") return;
    const mq = window.matchMedia(query);
    const on = () => setNarrow(mq.matches);
    mq.addEventListener("change", on);
    on();
    return () => mq.removeEventListener("change", on);
  }, []);
  return narrow;
}

/** The current time, refreshed every minute (for the now line). */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(t);
  }, []);
  return now;
}

interface OccProps {
  item: Item;
  onOpen(o: OccurrenceWire): void;
  class?: string;
  style?: Record<string, string>;
  /** A time shown before the title (week blocks, month chips); hidden from the name. */
  time?: string;
}

/** An occurrence: a button named "Title, time text" that opens the editor. */
export function OccButton({ item, onOpen, class: cls, style, time }: OccProps) {
  const classes = `occ${item.cancelled ? " occ-cancelled" : ""}${item.allDay ? " occ-allday" : ""}${cls ? ` ${cls}` : ""}`;
  return (
    <button
      type="button"
      class={classes}
      style={{ "--cal": item.color, ...style }}
      aria-label={item.label}
      title={item.label}
      onClick={(e) => {
        e.stopPropagation();
        onOpen(item.occ);
      }}
    >
      {time && !item.allDay ? <span class="occ-time" aria-hidden="true">{time} </span> : null}
      <span class="occ-title" aria-hidden="true">{item.title}</span>
    </button>
  );
}
