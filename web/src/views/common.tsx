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

function channel(v: number): number {
  const c = v / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** Text on a calendar colour: near-black or white, whichever contrasts more (WCAG's
 * relative luminance); the default blue #3b82f6 takes dark text (5.7:1, white is 3.7:1). */
export function textOn(color: string): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) return "#ffffff";
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => channel(parseInt(h ?? "0", 16)));
  const lum = 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
  const dark = 0.0116; // luminance of #111318
  return (lum + 0.05) / (dark + 0.05) >= 1.05 / (lum + 0.05) ? "#111318" : "#ffffff";
}

/** An occurrence: a button named "Title, time text" that opens the editor. */
export function OccButton({ item, onOpen, class: cls, style, time }: OccProps) {
  const classes = `occ${item.cancelled ? " occ-cancelled" : ""}${item.allDay ? " occ-allday" : ""}${cls ? ` ${cls}` : ""}`;
  return (
    <button
      type="button"
      class={classes}
      style={{ "--cal": item.color, ...(item.allDay ? { "--cal-text": textOn(item.color) } : {}), ...style }}
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
