// The interface between the shell (app.tsx) and the schedule (views/, editor/).
// Owned by the schedule side; the shell only reads it.
import type { CalendarWire, EventWire, OccurrenceWire } from "./api/types";
import type { Api } from "./api/client";

export type ViewKind = "agenda" | "week" | "month";

export interface ViewProps {
  /** The day the view shows or contains, 'YYYY-MM-DD' in the display zone. */
  anchor: string;
  /** IANA zone the schedule is shown in. */
  zone: string;
  /** BCP 47 locale (day/month order, 12/24 h). */
  locale: string;
  /** First day of the week: 0 Sunday … 6 Saturday. */
  weekStart: number;
  /** Today, 'YYYY-MM-DD' in the display zone. */
  today: string;
  calendars: CalendarWire[];
  /** What GET /events returned for viewRange(kind, anchor, zone, weekStart). */
  occurrences: OccurrenceWire[];
  /** Open the editor on an occurrence. */
  onOpen(occurrence: OccurrenceWire): void;
  /** Start a new event at a slot: local 'YYYY-MM-DDTHH:MM' (or 'YYYY-MM-DD' all day). */
  onCreate(start: string, allDay: boolean): void;
  /** Go to a day (e.g. a month cell's day number → that day's week). */
  onNavigate(kind: ViewKind, anchor: string): void;
}

export interface EditorProps {
  api: Api;
  zone: string;
  locale: string;
  calendars: CalendarWire[];
  /**
   * The calendars shown in the side panel (ids). A new event goes to the first
   * writable one of these, so it does not vanish into a hidden calendar. Absent:
   * the calendars' own `visible` flags decide.
   */
  shownCalendarIds?: string[];
  /** Editing: the occurrence chosen in a view. New: null. */
  occurrence: OccurrenceWire | null;
  /** New event: its start slot (see ViewProps.onCreate); ignored when editing. */
  start?: { at: string; allDay: boolean };
  /** Saved or deleted: the shell reloads the range. */
  /** ``what`` says what happened (default: "saved" with an event, "deleted" without);
   * "reloaded": nothing was written, but the editor took a newer copy from the server. */
  onDone(changed: EventWire | null, what?: "saved" | "deleted" | "reloaded"): void;
  onCancel(): void;
}
