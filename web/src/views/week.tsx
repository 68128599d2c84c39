// Week: seven day columns, an all-day row, an hour grid 00–24 scrolled to now (this week) or ~08:00,
// overlapping events side by side, a line at the current time. Below 640 px the
// week is a list of its seven days (docs/web.md, "Schedule and editor").
import { useLayoutEffect, useRef } from "preact/hooks";
import type { ViewProps } from "../contract";
import { dayNumber, fromDayNumber, pad2, wallOf, dateOfWall } from "../time/zone";
import { DayList } from "./agenda";
import { OccButton, useFormats, useItems, useNarrow, useNow } from "./common";
import { barRows, byDay, weekDayLayout } from "./layout";
import { viewDays } from "./range";

/** Pixels per hour of the grid (views.css uses the same through --hour). */
export const HOUR_PX = 48;
const HOURS = Array.from({ length: 24 }, (_, h) => h);

export function WeekView(props: ViewProps) {
  const { anchor, weekStart, zone, today, onOpen, onCreate, onNavigate } = props;
  const fmt = useFormats(props.locale);
  const items = useItems(props.occurrences, props.calendars, zone, fmt);
  const narrow = useNarrow();
  const now = useNow();
  const scroller = useRef<HTMLDivElement>(null);
  const { first } = viewDays("week", anchor, weekStart);
  const firstDay = dayNumber(first);

  // Where the grid opens: this week, at the current time (an hour above it); another
  // week, at 08:00, or at its earliest timed event when that is earlier, so nothing
  // starts unseen above the fold (an event at 01:00 in New York was hidden at 08:00).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    let hour = 8;
    const nowWall = wallOf(Date.now(), zone);
    const todayNumber = dayNumber(dateOfWall(nowWall));
    if (todayNumber >= firstDay && todayNumber < firstDay + 7) {
      hour = Math.max(0, nowWall.h + nowWall.mi / 60 - 1);
    } else {
      for (const it of items) {
        if (it.allDay || it.lastDay > it.firstDay || it.firstDay < firstDay || it.firstDay >= firstDay + 7) continue;
        hour = Math.min(hour, it.startWall.h + it.startWall.mi / 60);
      }
    }
    el.scrollTop = Math.max(0, hour * HOUR_PX - 8);
  }, [first, narrow, items.length === 0]);

  if (narrow) {
    return <DayList {...props} first={firstDay} count={7} items={items} fmt={fmt} showEmptyDays />;
  }

  const perDay = byDay(items, firstDay, 7);
  const days = perDay.map((list, i) => {
    const day = firstDay + i;
    return { day, date: fromDayNumber(day), ...weekDayLayout(list, day) };
  });
  const allDayBars = barRows(items, firstDay, 7);
  const nowWall = wallOf(now, zone);
  const nowDate = dateOfWall(nowWall);
  const nowTop = ((nowWall.h * 60 + nowWall.mi) / 60) * HOUR_PX;

  const slotClick = (date: string) => (e: MouseEvent) => {
    const col = e.currentTarget as HTMLElement;
    const y = e.clientY - col.getBoundingClientRect().top;
    const half = Math.max(0, Math.min(47, Math.floor(y / (HOUR_PX / 2))));
    onCreate(`${date}T${pad2(Math.floor(half / 2))}:${half % 2 ? "30" : "00"}`, false);
  };

  return (
    <div class="week" style={{ "--hour": `${HOUR_PX}px` }}>
      <div class="week-head" role="presentation">
        <div class="week-gutter" />
        {days.map(({ date }) => (
          <div class={`week-dayhead${date === today ? " is-today" : ""}`} key={date}>
            <button
              type="button"
              class="week-daylink"
              // The name starts with what is shown ("Mon 7"), so a voice-control user who
              // says what they see reaches it (WCAG 2.5.3), then says the rest.
              aria-label={`${fmt.weekdayShort(date)} ${Number(date.slice(8))}, ${fmt.dayLong(date)}${date === today ? ", today" : ""}: show in agenda`}
              onClick={() => onNavigate("agenda", date)}
            >
              <span class="week-wd">{fmt.weekdayShort(date)}</span>{" "}
              <span class="week-dn">{Number(date.slice(8))}</span>
            </button>
          </div>
        ))}
      </div>
      <div class="week-allday">
        <div class="week-gutter week-allday-label">All day</div>
        <div
          class="week-allday-bars"
          onClick={(e) => {
            const box = (e.currentTarget as HTMLElement).getBoundingClientRect();
            const i = Math.max(0, Math.min(6, Math.floor(((e.clientX - box.left) / box.width) * 7)));
            onCreate(fromDayNumber(firstDay + i), true);
          }}
        >
          {days.map(({ date }, i) => (
            <div
              class={`week-allday-cell${date === today ? " is-today" : ""}`}
              key={date}
              style={{ gridColumn: `${i + 1}`, gridRow: `1 / span ${Math.max(allDayBars.rows, 1)}` }}
            />
          ))}
          {allDayBars.bars.map((b) => (
            <OccButton
              key={b.item.key}
              item={b.item}
              onOpen={onOpen}
              class={`chip bar${b.item.firstDay < firstDay ? " bar-from-before" : ""}${b.item.lastDay > firstDay + 6 ? " bar-goes-on" : ""}`}
              style={{ gridColumn: `${b.from + 1} / span ${b.to - b.from + 1}`, gridRow: `${b.row + 1}` }}
            />
          ))}
        </div>
      </div>
      <div class="week-scroll" ref={scroller} tabIndex={0} role="region" aria-label="Hours of the week">
        <div class="week-grid">
          <div class="week-gutter week-hours" aria-hidden="true">
            {HOURS.map((h) => (
              <div class="week-hour" key={h}>{h === 0 ? "" : fmt.hour(h)}</div>
            ))}
          </div>
          {days.map(({ date, timed }) => (
            <div
              class={`week-col${date === today ? " is-today" : ""}`}
              key={date}
              onClick={slotClick(date)}
              aria-label={fmt.dayLong(date)}
              role="group"
            >
              {timed.map((p) => (
                <OccButton
                  key={p.item.key}
                  item={p.item}
                  onOpen={onOpen}
                  class={p.bottom - p.top < 45 ? "block block-short" : "block"}
                  time={p.item.timeText}
                  style={{
                    top: `${(p.top / 60) * HOUR_PX}px`,
                    height: `${Math.max(((p.bottom - p.top) / 60) * HOUR_PX - 2, 14)}px`,
                    left: `${(p.col / p.cols) * 100}%`,
                    width: `calc(${(100 * p.span) / p.cols}% - 2px)`,
                  }}
                />
              ))}
              {date === nowDate ? <div class="now-line" style={{ top: `${nowTop}px` }} aria-hidden="true" /> : null}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
