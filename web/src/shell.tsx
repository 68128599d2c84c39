// The signed-in shell: header and navigation, Previous/Next/Today and the period's h1,
// the calendars panel, loading settings, calendars and the period's occurrences, and
// the views and the editor (web/src/views, web/src/editor) through contract.ts's props.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { SessionEndedError, type Api } from "./api/client";
import type { CalendarWire, EventWire, OccurrenceWire, SettingsWire } from "./api/types";
import type { Auth, SignedIn } from "./auth/session";
import type { EditorProps, ViewKind, ViewProps } from "./contract";
import { EventEditor } from "./editor";
import { SettingsPage } from "./pages/Settings";
import { ErrorAlert } from "./pages/forms";
import { browserZone, nextHourIn, periodTitle, step, todayIn, validZone, weekStartFor } from "./period";
import { browserPrefStore, isShown, loadShown, saveShown } from "./prefs";
import { isView, type Route } from "./router";
import { AgendaView, MonthView, WeekView, viewRange } from "./views";

export function messageOf(err: unknown): string {
  if (err instanceof Error && err.message) return err.message;
  return "Something went wrong. Try again.";
}

// -- the signed-in shell ----------------------------------------------------------

export interface ShellProps {
  auth: Auth;
  api: Api;
  user: SignedIn;
  route: Route;
  go(to: string, replace?: boolean): void;
}

type EditorState = { occurrence: OccurrenceWire | null; start?: { at: string; allDay: boolean } };

interface Loaded {
  key: string;
  occurrences: OccurrenceWire[];
  truncated: boolean;
}

const LOCALE = (typeof navigator !== "undefined" && navigator.language) || "en-GB";

export function Shell({ auth, api, user, route, go }: ShellProps) {
  const [settings, setSettings] = useState<SettingsWire | null>(null);
  const [calendars, setCalendars] = useState<CalendarWire[] | null>(null);
  const [baseError, setBaseError] = useState<string | null>(null);
  const [baseTick, setBaseTick] = useState(0);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [rangeError, setRangeError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [editor, setEditor] = useState<EditorState | null>(null);
  const [announce, setAnnounce] = useState("");
  // What the last save or delete did, shown (and announced) for a few seconds.
  const [toast, setToast] = useState("");
  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(() => setToast(""), 5000);
    return () => clearTimeout(t);
  }, [toast]);
  const [panelOpen, setPanelOpen] = useState(false);
  const [shown, setShown] = useState<Record<string, boolean>>(() => loadShown(browserPrefStore(), user.sub));
  const returnFocus = useRef<HTMLElement | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const seq = useRef(0);
  const [fetching, setFetching] = useState(false);
  /** When the period was last loaded (a tab back from the background loads it again). */
  const lastLoad = useRef(Date.now());

  const deviceZone = useMemo(browserZone, []);
  const zone = validZone(settings && (settings.version ?? 0) > 0 ? settings.timezone : null) ?? deviceZone;
  const locale = LOCALE;
  const weekStart = useMemo(() => weekStartFor(locale), [locale]);
  // Today in the display zone, kept right in a tab left open over midnight.
  const [today, setToday] = useState(() => todayIn(zone));
  useEffect(() => {
    const check = () => setToday(todayIn(zone));
    check();
    const t = setInterval(check, 30_000);
    return () => clearInterval(t);
  }, [zone]);

  // Settings (the display zone) and calendars, once and on "Try again".
  useEffect(() => {
    let live = true;
    setBaseError(null);
    Promise.all([api.getSettings(), api.calendarsOrDefault()]).then(
      ([s, cals]) => {
        if (!live) return;
        setSettings(s);
        setCalendars(cals);
      },
      (err) => {
        if (live && !(err instanceof SessionEndedError)) setBaseError(messageOf(err));
      },
    );
    return () => {
      live = false;
    };
  }, [api, baseTick]);

  const view = isView(route) ? route : null;
  const range = view ? viewRange(view.name, view.date, zone, weekStart) : null;
  // What is shown (the period in a zone) and each load of it (a reload after a save).
  const rangeId = range && settings ? `${range.from}|${range.to}|${zone}` : null;
  const rangeKey = rangeId ? `${rangeId}|${tick}` : null;

  useEffect(() => {
    if (!range || !rangeKey) return;
    const mine = ++seq.current;
    setRangeError(null);
    setFetching(true);
    api.listOccurrences(range.from, range.to, zone).then(
      (res) => {
        if (mine !== seq.current) return;
        setFetching(false);
        lastLoad.current = Date.now();
        setLoaded({ key: rangeId ?? "", occurrences: res.occurrences, truncated: !!res.truncated });
      },
      (err) => {
        if (mine !== seq.current || err instanceof SessionEndedError) return;
        setFetching(false);
        setRangeError(messageOf(err));
      },
    );
  }, [rangeKey]);

  // Back to a tab left in the background: what other devices changed meanwhile shows
  // up (calendars and the period, without a flash), at most once a minute.
  useEffect(() => {
    const on = () => {
      if (document.visibilityState !== "visible" || Date.now() - lastLoad.current < 60_000) return;
      lastLoad.current = Date.now();
      setBaseTick((t) => t + 1);
      setTick((t) => t + 1);
    };
    document.addEventListener("visibilitychange", on);
    return () => document.removeEventListener("visibilitychange", on);
  }, []);

  // Back online: try again what failed.
  useEffect(() => {
    const on = () => {
      if (baseError) setBaseTick((t) => t + 1);
      else if (rangeError) setTick((t) => t + 1);
    };
    addEventListener("online", on);
    return () => removeEventListener("online", on);
  }, [baseError, rangeError]);

  // The heading takes focus when the page kind changes (nav links), not on Previous/Next.
  const kind = route.name;
  const firstKind = useRef(true);
  useEffect(() => {
    if (firstKind.current) {
      firstKind.current = false;
      return;
    }
    heading.current?.focus();
  }, [kind]);

  const title = view ? periodTitle(view.name, view.date, weekStart, locale) : "Settings";
  useEffect(() => {
    document.title = `${title} – Aurora Time`;
  }, [title]);

  const allCals = calendars ?? [];
  const shownIds = useMemo(
    () => new Set(allCals.filter((c) => isShown(c, shown)).map((c) => c.id)),
    [allCals, shown],
  );
  // A reload of the same period keeps showing what it had (no flash after a save); another
  // period never shows the previous one's events under its title.
  const current = loaded && loaded.key === rangeId ? loaded : null;
  const occurrences = useMemo(
    () => (current ? current.occurrences.filter((o) => shownIds.has(o.event.calendar_id)) : []),
    [current, shownIds],
  );

  function toggle(cal: CalendarWire, on: boolean) {
    const next = { ...shown, [cal.id]: on };
    setShown(next);
    saveShown(browserPrefStore(), user.sub, next);
  }

  function openEditor(state: EditorState) {
    returnFocus.current = document.activeElement as HTMLElement | null;
    setAnnounce("");
    setToast("");
    setEditor(state);
  }

  function closeEditor() {
    setEditor(null);
    const el = returnFocus.current;
    returnFocus.current = null;
    // After the dialog is gone and the shell is no longer inert.
    requestAnimationFrame(() => {
      if (el && el.isConnected) el.focus();
      else heading.current?.focus();
    });
  }

  function newEvent() {
    const date = view ? view.date : today;
    const hour = date === today ? nextHourIn(zone) : "09:00";
    openEditor({ occurrence: null, start: { at: `${date}T${hour ?? "09:00"}`, allDay: false } });
  }

  /** Previous / Today / Next: focus stays on the button, so the new period is announced. */
  function moveTo(kind: ViewKind, date: string) {
    setAnnounce(periodTitle(kind, date, weekStart, locale));
    go(`#/${kind}/${date}`);
  }

  async function signOut() {
    await auth.signOut();
  }

  const viewProps: ViewProps | null = view
    ? {
        anchor: view.date,
        zone,
        locale,
        weekStart,
        today,
        calendars: allCals,
        occurrences,
        onOpen: (o) => openEditor({ occurrence: o }),
        onCreate: (at, allDay) => openEditor({ occurrence: null, start: { at, allDay } }),
        onNavigate: (k: ViewKind, anchor: string) => go(`#/${k}/${anchor}`),
      }
    : null;

  const editorProps: EditorProps | null = editor
    ? {
        api,
        zone,
        locale,
        calendars: allCals,
        // A new event goes to a calendar shown here (where it can be seen).
        shownCalendarIds: [...shownIds],
        occurrence: editor.occurrence,
        ...(editor.start ? { start: editor.start } : {}),
        onDone: (changed: EventWire | null, what?: "saved" | "deleted" | "reloaded") => {
          const done = what ?? (changed ? "saved" : "deleted");
          setToast(done === "saved" ? "Event saved" : done === "deleted" ? "Event deleted" : "");
          setTick((t) => t + 1);
          // The deleted event's button is about to go: focus the period's heading.
          if (done === "deleted") returnFocus.current = null;
          closeEditor();
        },
        onCancel: closeEditor,
      }
    : null;

  const anchor = view ? view.date : today;
  const navLink = (k: ViewKind | "settings", label: string) => {
    const href = k === "settings" ? "#/settings" : `#/${k}/${anchor}`;
    const here = route.name === k;
    return (
      <li>
        <a href={href} aria-current={here ? "page" : undefined} class={here ? "current" : ""}>
          {label}
        </a>
      </li>
    );
  };

  const loading = !baseError && (!settings || !calendars || (view !== null && (fetching || !current) && !rangeError));

  return (
    <>
      <div class="app" inert={editor !== null}>
        <a
          class="skip"
          href="#main"
          onClick={(e) => {
            e.preventDefault(); // the hash is the router's
            const target = document.querySelector<HTMLElement>("main h1") ?? document.getElementById("main");
            target?.focus();
          }}
        >
          Skip to the calendar
        </a>
        <header class="topbar">
          <p class="brand">
            <span class="logo" aria-hidden="true" />
            <span>Aurora</span>
          </p>
          <nav aria-label="Main">
            <ul>
              {navLink("agenda", "Agenda")}
              {navLink("week", "Week")}
              {navLink("month", "Month")}
              {navLink("settings", "Settings")}
            </ul>
          </nav>
          <div class="top-actions">
            <button type="button" class="primary" onClick={newEvent} disabled={!calendars}>
              New event
            </button>
            <button type="button" onClick={() => void signOut()} title={`Signed in as ${user.email}`}>
              Sign out
            </button>
          </div>
        </header>
        <div class={`layout${view ? "" : " no-side"}`}>
          {view ? (
            <CalendarsPanel
              calendars={calendars}
              shownIds={shownIds}
              open={panelOpen}
              onOpen={setPanelOpen}
              onToggle={toggle}
            />
          ) : null}
          <main id="main" tabIndex={-1}>
            {view ? (
              <div class="periodbar">
                <div class="stepper">
                  <button type="button" class="icon" title="Previous" onClick={() => moveTo(view.name, step(view.name, view.date, -1))}>
                    <span aria-hidden="true">‹</span>
                    <span class="visually-hidden">Previous</span>
                  </button>
                  <button type="button" onClick={() => moveTo(view.name, today)}>
                    Today
                  </button>
                  <button type="button" class="icon" title="Next" onClick={() => moveTo(view.name, step(view.name, view.date, 1))}>
                    <span aria-hidden="true">›</span>
                    <span class="visually-hidden">Next</span>
                  </button>
                </div>
                <h1 ref={heading} tabIndex={-1}>
                  {title}
                </h1>
                <p class="zone-note" title="Time zone (Settings)">
                  <span class="visually-hidden">Time zone: </span>
                  {zone.replace(/_/g, " ")}
                </p>
              </div>
            ) : null}
            <p class="visually-hidden" role="status" aria-live="polite">
              {announce}
            </p>
            <p class="notice toast" role="status" aria-live="polite">
              {toast}
            </p>
            {baseError ? (
              <div class="problem">
                <ErrorAlert message={baseError} />
                <button type="button" onClick={() => setBaseTick((t) => t + 1)}>
                  Try again
                </button>
              </div>
            ) : null}
            {rangeError && !baseError ? (
              <div class="problem">
                <ErrorAlert message={rangeError} />
                <button type="button" onClick={() => setTick((t) => t + 1)}>
                  Try again
                </button>
              </div>
            ) : null}
            {loading ? (
              <p class="loading" role="status">
                Loading…
              </p>
            ) : null}
            {current?.truncated ? (
              <p class="notice" role="status">
                This period has more events than can be shown at once; some are left out.
              </p>
            ) : null}
            {viewProps && view ? (
              <div class={`view view-${view.name}`} aria-busy={loading}>
                {view.name === "agenda" ? <AgendaView {...viewProps} /> : null}
                {view.name === "week" ? <WeekView {...viewProps} /> : null}
                {view.name === "month" ? <MonthView {...viewProps} /> : null}
              </div>
            ) : null}
            {route.name === "settings" ? (
              <SettingsPage api={api} settings={settings} browserZone={deviceZone} email={user.email}
                onSaved={(s) => setSettings(s)} onSignedOutEverywhere={() => void signOut()} />
            ) : null}
          </main>
        </div>
      </div>
      {editorProps ? <EventEditor {...editorProps} /> : null}
    </>
  );
}


interface PanelProps {
  /** null while loading. */
  calendars: CalendarWire[] | null;
  shownIds: Set<string>;
  /** At phone width the list is folded under a "Calendars" button. */
  open: boolean;
  onOpen(open: boolean): void;
  onToggle(cal: CalendarWire, shown: boolean): void;
}

/** Each calendar with its colour and a show/hide checkbox (a preference of this browser). */
function CalendarsPanel({ calendars, shownIds, open, onOpen, onToggle }: PanelProps) {
  const cals = calendars ?? [];
  return (
    <aside class={`sidebar${open ? " open" : ""}`} aria-labelledby="cal-h">
      <button type="button" class="panel-toggle" aria-expanded={open} aria-controls="cal-list"
        onClick={() => onOpen(!open)}>
        <span id="cal-h">Calendars</span>
        <span class="count">
          {shownIds.size}/{cals.length}
        </span>
      </button>
      <h2 class="side-h" aria-hidden="true">
        Calendars
      </h2>
      <ul id="cal-list" class="cal-list">
        {cals.map((c) => (
          <li key={c.id}>
            <label>
              <input type="checkbox" checked={shownIds.has(c.id)}
                onChange={(e) => onToggle(c, (e.currentTarget as HTMLInputElement).checked)} />
              <span class="swatch" style={{ background: c.color ?? "#3b82f6" }} aria-hidden="true" />
              <span class="cal-name">{c.name}</span>
              {c.read_only ? <span class="muted"> (read-only)</span> : null}
            </label>
          </li>
        ))}
        {calendars && calendars.length === 0 ? <li class="muted">No calendars yet.</li> : null}
      </ul>
    </aside>
  );
}
