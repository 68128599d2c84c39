// Month: the full weeks covering the month, seven cells each, chips in the
// calendar's colour, "+N more" that goes to the day.
import type { ViewProps } from "../contract";
import { dayNumber, fromDayNumber, parseDate } from "../time/zone";
import { OccButton, useFormats, useItems } from "./common";
import { byDay } from "./layout";
import { viewDays } from "./range";

/** Chips shown in a cell before "+N more". */
export const MAX_CHIPS = 3;

/** What a cell shows: every item if they fit in MAX_CHIPS lines, else MAX_CHIPS − 1 and "+N more". */
export function cellContent<T>(list: T[]): { shown: T[]; more: number } {
  const shown = list.length > MAX_CHIPS ? list.slice(0, MAX_CHIPS - 1) : list;
  return { shown, more: list.length - shown.length };
}

export function MonthView(props: ViewProps) {
  const { anchor, weekStart, zone, today, onOpen, onCreate, onNavigate } = props;
  const fmt = useFormats(props.locale);
  const items = useItems(props.occurrences, props.calendars, zone, fmt);
  const { first, last } = viewDays("month", anchor, weekStart);
  const firstDay = dayNumber(first);
  const count = dayNumber(last) - firstDay + 1;
  const perDay = byDay(items, firstDay, count);
  const month = parseDate(anchor).mo;
  const weeks: number[][] = [];
  for (let w = 0; w < count / 7; w++) weeks.push([0, 1, 2, 3, 4, 5, 6].map((i) => w * 7 + i));

  return (
    <div class="month">
      <div class="month-head" aria-hidden="true">
        {[0, 1, 2, 3, 4, 5, 6].map((i) => {
          const d = fromDayNumber(firstDay + i);
          return <div class="month-wd" key={i}>{fmt.weekdayShort(d)}</div>;
        })}
      </div>
      {weeks.map((week, wi) => (
        <div class="month-week" key={wi}>
          {week.map((i) => {
            const date = fromDayNumber(firstDay + i);
            const list = perDay[i] ?? [];
            const { shown, more } = cellContent(list);
            const outside = parseDate(date).mo !== month;
            return (
              <div
                key={date}
                class={`month-cell${outside ? " is-outside" : ""}${date === today ? " is-today" : ""}`}
                role="group"
                aria-label={fmt.dayLong(date)}
                onClick={() => onCreate(date, true)}
              >
                <button
                  type="button"
                  class="month-dn"
                  aria-label={`${fmt.dayLong(date)}${date === today ? ", today" : ""}: show the week`}
                  onClick={(e) => {
                    e.stopPropagation();
                    onNavigate("week", date);
                  }}
                >
                  {Number(date.slice(8))}
                </button>
                {shown.map((it) => (
                  <OccButton key={it.key} item={it} onOpen={onOpen} class="chip" time={it.firstDay === dayNumber(date) ? fmt.time(it.startWall) : ""} />
                ))}
                {more > 0 ? (
                  <button
                    type="button"
                    class="month-more"
                    aria-label={`${more} more events on ${fmt.dayLong(date)}`}
                    onClick={(e) => {
                      e.stopPropagation();
                      onNavigate("agenda", date);
                    }}
                  >
                    +{more}<span class="month-more-word"> more</span>
                  </button>
                ) : null}
              </div>
            );
          })}
        </div>
      ))}
    </div>
  );
}
