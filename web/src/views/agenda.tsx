// Agenda: the fourteen days from the anchor, each day with its occurrences.
import type { ViewProps } from "../contract";
import { dayNumber, fromDayNumber } from "../time/zone";
import { OccButton, useFormats, useItems } from "./common";
import { byDay } from "./layout";
import type { Item } from "./items";
import type { Formats } from "../time/format";

export const AGENDA_DAYS = 14;

export function AgendaView(props: ViewProps) {
  const fmt = useFormats(props.locale);
  const items = useItems(props.occurrences, props.calendars, props.zone, fmt);
  const first = dayNumber(props.anchor);
  return <DayList {...props} first={first} count={AGENDA_DAYS} items={items} fmt={fmt} />;
}

interface DayListProps extends ViewProps {
  first: number;
  count: number;
  items: ReturnType<typeof useItems>;
  fmt: ReturnType<typeof useFormats>;
  /** Show every day, even empty ones (the week at phone width). */
  showEmptyDays?: boolean;
}

/** A list of days with their occurrences (the agenda, and the week at phone width). */
export function DayList({ first, count, items, fmt, today, onOpen, onCreate, showEmptyDays }: DayListProps) {
  const days = byDay(items, first, count);
  const shown = days
    .map((list, i) => ({ date: fromDayNumber(first + i), list }))
    .filter((d) => showEmptyDays || d.list.length > 0);
  if (shown.length === 0) {
    return (
      <div class="agenda">
        <p class="agenda-empty">No events</p>
      </div>
    );
  }
  return (
    <div class="agenda">
      {shown.map(({ date, list }) => (
        <section class={`agenda-day${date === today ? " is-today" : ""}`} key={date} aria-label={fmt.dayLong(date)}>
          <h2 class="agenda-date">
            {fmt.dayLong(date)}
            {date === today ? <span class="agenda-today"> · Today</span> : null}
          </h2>
          {list.length === 0 ? (
            <button type="button" class="agenda-add" onClick={() => onCreate(`${date}T09:00`, false)}>
              No events — add one
            </button>
          ) : (
            <ul class="agenda-list">
              {list.map((it) => (
                <li key={it.key} class="agenda-row">
                  <span class="agenda-time" aria-hidden="true">
                    {agendaTime(it, dayNumber(date), fmt)}
                  </span>
                  <OccButton item={it} onOpen={onOpen} class="agenda-occ" />
                  {it.occ.event.location ? (
                    <span class="agenda-loc" aria-hidden="true">{it.occ.event.location}</span>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </div>
  );
}

/** The time column of an agenda row on one day of what the item covers. */
export function agendaTime(it: Item, day: number, fmt: Formats): string {
  if (it.allDay) return "All day";
  if (it.firstDay === it.lastDay) return it.timeText;
  if (day === it.firstDay) return `${fmt.time(it.startWall)} →`;
  if (day === it.lastDay) return `→ ${fmt.time(it.endWall)}`;
  return "All day";
}
