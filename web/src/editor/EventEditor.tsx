// The event editor: a modal dialog (focus kept inside, Esc cancels, focus goes back
// where it was). Saves a new event, a plain one, one occurrence of a series (its
// override) or the whole series; deletes likewise. A 412 loads the server's copy
// into the form and says what changed; nothing is overwritten until Save again.
import type { ComponentChildren } from "preact";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError, OfflineError } from "../api/client";
import type { EventWire } from "../api/types";
import type { EditorProps } from "../contract";
import type { Errors, Form, Kept } from "./model";
import {
  REMINDER_CHOICES, WEEKDAY_CODES, WEEKDAY_LABELS, changeLines, changedFields, eventToForm, newForm,
  reminderLabel, repeatChanged, validate, writableCalendars,
} from "./model";
import { PartialSaveError, loadSeries, runPlan } from "./save";
import { dateOfWall, instantOf, isValidZone, parseLocal, parseWire, wallOf, weekday } from "../time/zone";
import { formatsFor } from "../time/format";
import type { Plan } from "./series";
import { planAll, planDeleteAll, planDeleteOne, planOnlyThis, planSingle } from "./series";
import { allZones, customZoneLabel, isCustomZone, lockedTimesNote, lockedYourTime, unknownZoneNote } from "./zones";

type Scope = "one" | "all";
type Invalid = { "aria-invalid"?: boolean; "aria-describedby"?: string };

interface Alert {
  title: string;
  items?: string[];
  detail?: string;
}

export function newUuid(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  const b = new Uint8Array(16);
  c.getRandomValues(b);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** One sentence for a failure (the client's errors carry theirs). */
export function errorSentence(e: unknown): string {
  if (e instanceof OfflineError || e instanceof ApiError) return e.message;
  if (e instanceof Error && e.message) return e.message;
  return "Something went wrong. Nothing was saved.";
}

export function EventEditor(props: EditorProps) {
  const { api, zone, calendars, occurrence, onDone, onCancel } = props;
  const isNew = occurrence === null;
  const rid = occurrence?.recurrence_id ?? null;
  const isSeries = !isNew && rid !== null;

  const start = useMemo(() => {
    if (occurrence) return eventToForm(occurrence.event, occurrence, zone);
    return {
      form: newForm(props.start?.at ?? null, props.start?.allDay ?? false, zone, calendars, Date.now(), props.shownCalendarIds),
      kept: { otherReminders: [] } as Kept,
    };
  }, []);
  const [base, setBase] = useState<EventWire | null>(occurrence?.event ?? null);
  const [initial, setInitial] = useState<Form>(start.form);
  const [form, setForm] = useState<Form>(start.form);
  const [kept, setKept] = useState<Kept>(start.kept);
  const [errors, setErrors] = useState<Errors>({});
  const [alert, setAlert] = useState<Alert | null>(null);
  const [busy, setBusy] = useState(false);
  const [ask, setAsk] = useState<null | "save" | "delete">(null);
  const [stale, setStale] = useState(false); // deleted elsewhere: nothing to save onto
  // The form took the server's newer copy (412): the view behind shows the old one, so
  // closing the editor in any way reloads the range.
  const reloadOnClose = useRef(false);
  const dialog = useRef<HTMLDivElement>(null);
  const scopeDialog = useRef<HTMLDivElement>(null);
  const returnTo = useRef<Element | null>(null);

  const cal = calendars.find((c) => c.id === (base?.calendar_id ?? form.calendarId));
  const readOnly = !isNew && !!cal && (cal.read_only === true || !!cal.source_url);
  const writable = writableCalendars(calendars);
  const calChoices = readOnly || (cal && !writable.includes(cal)) ? (cal ? [cal, ...writable] : writable) : writable;

  // Focus: into the dialog on open, back where it was on close.
  useLayoutEffect(() => {
    returnTo.current = document.activeElement;
    const first = dialog.current?.querySelector<HTMLElement>("#ed-title");
    first?.focus();
    return () => {
      const el = returnTo.current as HTMLElement | null;
      if (el && typeof el.focus === "function" && el.isConnected) el.focus();
    };
  }, []);
  const asked = useRef<null | "save" | "delete">(null);
  // Before the question is painted: a key pressed the moment it shows goes to its first
  // button, never again to the Save that asked it (useEffect ran after the paint).
  useLayoutEffect(() => {
    if (ask) scopeDialog.current?.querySelector<HTMLElement>("button")?.focus();
    else if (asked.current) {
      // The question closed without an answer: back to the button that asked it.
      const sel = asked.current === "delete" ? "button.danger" : "button[type=submit]";
      dialog.current?.querySelector<HTMLElement>(sel)?.focus();
    }
    asked.current = ask;
  }, [ask]);
  // A new alert is brought into view and focused (Save may be far below it on a phone).
  const alertBox = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = alertBox.current;
    if (alert && el) {
      if (typeof el.scrollIntoView === "function") el.scrollIntoView({ block: "nearest" });
      el.focus();
    }
  }, [alert]);

  const set = <K extends keyof Form>(k: K, v: Form[K]) => {
    setForm((f) => {
      const next = { ...f, [k]: v };
      if (k === "start" && typeof v === "string" && f.start && f.end) {
        // Moving the start keeps the duration, as calendars do.
        const isDate = (t: string) => /^\d{4}-\d{2}-\d{2}$/.test(t);
        const isTime = (t: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(t);
        if (f.allDay) {
          if (isDate(v) && isDate(f.start) && isDate(f.end)) next.end = addDaysText(v, dayDiff(f.start, f.end));
        } else if (isTime(v) && isTime(f.start) && isTime(f.end)) {
          const mins = minutesBetween(f.start, f.end);
          next.end = new Date(Date.parse(`${v}:00Z`) + mins * 60_000).toISOString().slice(0, 16);
        }
      }
      if (k === "repeat" && v === "weekly" && f.repeat !== "weekly") next.days = [ownDay(next.start)];
      if (k === "start" && typeof v === "string" && f.repeat === "weekly" && f.days.length === 1 &&
          f.days[0] === ownDay(f.start) && /^\d{4}-\d{2}-\d{2}/.test(v)) {
        next.days = [ownDay(v)]; // "weekly on its own day" follows the start
      }
      if (k === "allDay") {
        if (v) {
          next.start = f.start.slice(0, 10);
          next.end = f.end.slice(0, 10) < next.start ? next.start : f.end.slice(0, 10);
          if (next.end > next.start && f.end.slice(11, 16) === "00:00") next.end = addDaysText(f.end.slice(0, 10), -1);
        } else {
          next.start = `${f.start.slice(0, 10)}T09:00`;
          next.end = `${f.start.slice(0, 10)}T10:00`;
        }
      }
      return next;
    });
    setErrors((e) => (k === "start" || k === "end" ? { ...e, start: undefined, end: undefined } : { ...e, [k]: undefined }));
  };

  const keyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      if (ask) setAsk(null);
      else if (!busy) close();
      return;
    }
    if (e.key === "Tab") trapTab(e, (ask ? scopeDialog.current : dialog.current) as HTMLElement | null);
  };

  const close = () => {
    if (stale || reloadOnClose.current) onDone(null, "reloaded");
    else onCancel();
  };

  const fail = (e: unknown, what: "save" | "delete") => {
    if (e instanceof PartialSaveError) {
      setAlert({ title: e.message, detail: "Close to see the calendar as it is now." });
      setStale(true); // Close reloads the range
      return;
    }
    if (e instanceof ApiError && e.status === 412) {
      const server = e.item as EventWire | undefined;
      if (server && base && server.id === base.id) {
        const changes = changeLines(base, server, zone, props.locale);
        reloadOnClose.current = true;
        const again = eventToForm(server, server.recurrence_id || !isSeries ? null : occurrence, zone);
        setBase(server);
        setInitial(again.form);
        setForm(again.form);
        setKept(again.kept);
        setErrors({});
        setAlert({
          title: "This event was changed elsewhere",
          items: changes.length ? changes : ["Nothing you can see here (only its version)"],
          detail: what === "save"
            ? "The form now shows the saved version. Make your change again and press Save to keep it."
            : "Nothing was deleted. Press Delete again to delete this version.",
        });
        return;
      }
      if (server) {
        setAlert({ title: "This event was changed elsewhere", detail: e.message });
        setStale(true);
        return;
      }
      setAlert({ title: "This event was deleted elsewhere", detail: "Nothing was saved." });
      setStale(true);
      return;
    }
    if (e instanceof ApiError && e.status === 404) {
      setAlert({ title: "This event was deleted elsewhere", detail: "Nothing was saved." });
      setStale(true);
      return;
    }
    setAlert({ title: errorSentence(e) });
  };

  const run = async (make: () => Promise<Plan>, what: "save" | "delete") => {
    setBusy(true);
    setAlert(null);
    try {
      const plan = await make();
      const saved = await runPlan(api, plan);
      onDone(saved);
    } catch (e) {
      fail(e, what);
    } finally {
      setBusy(false);
    }
  };

  const onSave = (e?: Event) => {
    e?.preventDefault();
    if (busy || readOnly || stale) return;
    const errs = validate(form);
    setErrors(errs);
    if (Object.values(errs).some(Boolean)) {
      const firstBad = dialog.current?.querySelector<HTMLElement>("[aria-invalid='true']");
      firstBad?.focus();
      return;
    }
    if (isNew) {
      void run(async () => planSingle(form, kept, null, newUuid()), "save");
      return;
    }
    if (changedFields(initial, form).size === 0) {
      close(); // nothing changed: nothing to write (a copy taken after a 412 still reloads)
      return;
    }
    if (!isSeries) {
      void run(async () => planSingle(form, kept, base, ""), "save");
      return;
    }
    setAsk("save");
  };

  const onDelete = () => {
    if (busy || readOnly || stale || isNew) return;
    if (!isSeries) {
      const b = base as EventWire;
      void run(async () => ({ puts: [], deletes: [{ id: b.id, version: b.version ?? 0 }] }), "delete");
      return;
    }
    setAsk("delete");
  };

  const choose = (scope: Scope) => {
    const what = ask;
    setAsk(null);
    const b = base as EventWire;
    const r = rid as string;
    if (what === "save") {
      if (scope === "one") void run(async () => planOnlyThis(form, kept, b, r, newUuid()), "save");
      else {
        void run(async () => {
          const series = await loadSeries(api, b.uid ?? b.id);
          const master = b.recurrence_id ? series.master : b;
          if (!master) throw new Error("The series of this event no longer exists. Nothing was saved.");
          return planAll(initial, form, kept, master, series.overrides);
        }, "save");
      }
    } else if (what === "delete") {
      if (scope === "one") {
        void run(async () => {
          if (!b.recurrence_id) return planDeleteOne(b, r, []);
          const series = await loadSeries(api, b.uid ?? b.id);
          if (!series.master) return { puts: [], deletes: [{ id: b.id, version: b.version ?? 0 }] };
          return planDeleteOne(series.master, b.recurrence_id, series.overrides);
        }, "delete");
      } else {
        void run(async () => {
          const series = await loadSeries(api, b.uid ?? b.id);
          const master = b.recurrence_id ? series.master : b;
          if (!master) return { puts: [], deletes: series.overrides.map((o) => ({ id: o.id, version: null })) };
          return planDeleteAll(master, series.overrides.filter((o) => o.id !== master.id));
        }, "delete");
      }
    }
  };

  // Times in a zone Intl cannot compute are shown as they came and not written (docs/web.md).
  const timesRO = form.timesReadOnly === true;
  const ownZone = timesRO ? form.zone : "";
  const [zoneDefs, setZoneDefs] = useState<Record<string, string> | undefined>(() => knownZones(ownZone));
  useEffect(() => {
    if (!isCustomZone(ownZone) || zoneDefs?.[ownZone] || !kept.times) return;
    // The definition travels with GET /events (its `zones` map): ask for this occurrence's window.
    let live = true;
    const from = wireMs(kept.times.start);
    const to = Math.max(wireMs(kept.times.end), from + 60_000);
    if (!Number.isFinite(from) || !Number.isFinite(to)) return;
    api.listOccurrences(new Date(from).toISOString(), new Date(to).toISOString(), zone).then(
      (res) => {
        for (const [n, d] of Object.entries(res.zones ?? {})) LABELS.set(n, d);
        if (live) setZoneDefs(knownZones(ownZone));
      },
      () => undefined, // the note says "a custom zone"
    );
    return () => { live = false; };
  }, [ownZone]);
  const zoneLabel = timesRO && isCustomZone(ownZone) ? customZoneLabel(ownZone, zoneDefs) : ownZone;
  const zoneHint = useMemo(() => (timesRO
    ? (kept.times && !form.allDay ? lockedYourTime(kept.times.start, kept.times.end, zone, props.locale) : null)
    : yourTime(form, zone, props.locale)), [form.start, form.end, form.zone, form.allDay, timesRO, kept, zone, props.locale]);
  const lockedNote = timesRO ? (isCustomZone(ownZone) ? lockedTimesNote(zoneLabel) : unknownZoneNote(ownZone)) : null;
  const lockedBy = lockedNote ? { "aria-describedby": "ed-zone-note" } : {};
  // Read-only fields look it (set through the style object: no inline style attribute for the CSP).
  const roLook = timesRO ? { background: "var(--surface-2)", color: "var(--muted)", cursor: "default" } : undefined;
  const onlyThisBlocked = ask === "save" && (repeatChanged(initial, form) || form.allDay !== initial.allDay);
  const zones = useMemo(() => (timesRO ? [] : allZones(form.zone)), [form.zone, timesRO]);
  const heading = isNew ? "New event" : "Edit event";
  const err = (k: keyof Errors) => (errors[k] ? <p class="field-error" id={`ed-${k}-err`}>{errors[k]}</p> : null);
  const invalid = (k: keyof Errors): Invalid =>
    errors[k] ? { "aria-invalid": true, "aria-describedby": `ed-${k}-err` } : {};

  return (
    <div class="editor-backdrop" onKeyDown={keyDown} onMouseDown={(e) => {
      // A click beside the dialog closes it only when nothing typed would be lost.
      if (e.target === e.currentTarget && !busy && !ask && (isNew ? changedFields(start.form, form).size === 0 : changedFields(initial, form).size === 0)) close();
    }}>
      <div class="editor" role="dialog" aria-modal="true" aria-labelledby="ed-heading" ref={dialog} aria-hidden={ask ? "true" : undefined}>
        <h2 id="ed-heading">{heading}</h2>
        {alert ? (
          <div class="alert" role="alert" tabIndex={-1} ref={alertBox}>
            <strong>{alert.title}</strong>
            {alert.items ? (
              <ul>{alert.items.map((i) => <li key={i}>{i}</li>)}</ul>
            ) : null}
            {alert.detail ? <div>{alert.detail}</div> : null}
          </div>
        ) : null}
        {readOnly ? <p class="note">This event is in a read-only calendar: it can be seen but not changed.</p> : null}
        <form onSubmit={onSave} noValidate>
          <fieldset disabled={readOnly || busy} style={{ border: 0, padding: 0, margin: 0, display: "contents" }}>
            <div class="field">
              <label for="ed-title">Title</label>
              <input id="ed-title" type="text" value={form.title} maxLength={500} placeholder="(no title)"
                onInput={(e) => set("title", (e.target as HTMLInputElement).value)} {...invalid("title")} />
            </div>
            {err("title")}
            <label class="inline">
              <input type="checkbox" checked={form.allDay} disabled={timesRO} {...lockedBy} onChange={(e) => set("allDay", (e.target as HTMLInputElement).checked)} />
              All day
            </label>
            <div class="row">
              <div class="field">
                <label for="ed-starts">Starts</label>
                <input id="ed-starts" type={form.allDay ? "date" : "datetime-local"} value={form.start} readOnly={timesRO} style={roLook} {...lockedBy}
                  onInput={(e) => set("start", (e.target as HTMLInputElement).value)} {...invalid("start")} />
              </div>
              <div class="field">
                <label for="ed-ends">Ends</label>
                <input id="ed-ends" type={form.allDay ? "date" : "datetime-local"} value={form.end} readOnly={timesRO} style={roLook} {...lockedBy}
                  onInput={(e) => set("end", (e.target as HTMLInputElement).value)} {...invalid("end")} />
              </div>
            </div>
            {err("start")}
            {err("end")}
            {zoneHint ? <p class="note">{zoneHint}</p> : null}
            {!form.allDay ? (
              <div class="field">
                <label for="ed-time-zone">Time zone</label>
                {timesRO ? (
                  <select id="ed-time-zone" value={form.zone} disabled {...lockedBy}>
                    <option value={form.zone}>{isCustomZone(form.zone) ? `${zoneLabel} (from the imported file)` : form.zone}</option>
                  </select>
                ) : (
                  <select id="ed-time-zone" value={form.zone} onChange={(e) => set("zone", (e.target as HTMLSelectElement).value)} {...invalid("zone")}>
                    {form.zone === "" ? <option value="">Floating (same clock time everywhere)</option> : null}
                    {zones.map((z) => <option key={z} value={z}>{z.replace(/_/g, " ")}</option>)}
                  </select>
                )}
              </div>
            ) : null}
            {err("zone")}
            {lockedNote ? <p class="note" id="ed-zone-note">{lockedNote}</p> : null}
            <div class="field">
              <label for="ed-calendar">Calendar</label>
              <select id="ed-calendar" value={form.calendarId} onChange={(e) => set("calendarId", (e.target as HTMLSelectElement).value)} {...invalid("calendar")}>
                {calChoices.length === 0 ? <option value="">No calendar you can write to</option> : null}
                {calChoices.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
              </select>
            </div>
            {err("calendar")}
            <div class="field">
              <label for="ed-location">Location</label>
              <input id="ed-location" type="text" value={form.location} maxLength={1000} onInput={(e) => set("location", (e.target as HTMLInputElement).value)} />
            </div>
            <div class="field">
              <label for="ed-notes">Notes</label>
              <textarea id="ed-notes" value={form.notes} maxLength={20000} onInput={(e) => set("notes", (e.target as HTMLTextAreaElement).value)} />
            </div>
            {isSeries && base?.recurrence_id ? (
              <p class="note">One occurrence of a repeating series, changed on its own: open another of its occurrences to change how the series repeats.</p>
            ) : (
              <RepeatFields form={form} set={set} err={err} invalid={invalid} />
            )}
            <div class="row">
              <ReminderSelect label="Email reminder" value={form.email} onChange={(v) => set("email", v)} />
              <ReminderSelect label="Notification" value={form.notification} onChange={(v) => set("notification", v)} />
            </div>
            {kept.otherReminders.length ? (
              <p class="note">Also kept: {kept.otherReminders.map((r) => `${r.channel === "email" ? "email" : "notification"} ${reminderLabel(r.minutes_before)}`).join(", ")}.</p>
            ) : null}
          </fieldset>
          <div class="buttons">
            {!isNew && !readOnly ? (
              <button type="button" class="danger" onClick={onDelete} disabled={busy || stale}>Delete</button>
            ) : null}
            <span class="spacer" />
            <button type="button" onClick={close} disabled={busy}>{readOnly || stale ? "Close" : "Cancel"}</button>
            {!readOnly ? <button type="submit" class="primary" disabled={busy || stale}>{busy ? "Saving…" : "Save"}</button> : null}
          </div>
        </form>
      </div>
      {ask ? (
        <div class="editor-backdrop" onMouseDown={(e) => { if (e.target === e.currentTarget) setAsk(null); }}>
          <div class="editor scope" role="dialog" aria-modal="true" aria-labelledby="scope-heading" aria-describedby="scope-text" ref={scopeDialog}>
            <h2 id="scope-heading">{ask === "save" ? "Change a repeating event" : "Delete a repeating event"}</h2>
            <p id="scope-text" class="note">
              {ask === "save"
                ? onlyThisBlocked
                  ? "A change of repeat, or between all day and timed, applies to all events of the series."
                  : "Change only this event, or all events of the series?"
                : "Delete only this event, or all events of the series?"}
            </p>
            <div class="buttons">
              {!onlyThisBlocked ? <button type="button" onClick={() => choose("one")}>Only this event</button> : null}
              <button type="button" onClick={() => choose("all")} class={ask === "delete" ? "danger" : "primary"}>All events</button>
              <button type="button" onClick={() => setAsk(null)}>Cancel</button>
            </div>
          </div>
        </div>
      ) : null}
    </div>
  );
}

function RepeatFields({ form, set, err, invalid }: {
  form: Form;
  set: <K extends keyof Form>(k: K, v: Form[K]) => void;
  err: (k: keyof Errors) => ComponentChildren;
  invalid: (k: keyof Errors) => Invalid;
}) {
  return (
    <>
      <div class="field">
        <label for="ed-repeat">Repeat</label>
        <select id="ed-repeat" value={form.repeat} onChange={(e) => set("repeat", (e.target as HTMLSelectElement).value as Form["repeat"])}>
          <option value="none">Does not repeat</option>
          <option value="daily">Daily</option>
          <option value="weekly">Weekly</option>
          <option value="monthly">Monthly</option>
          <option value="yearly">Yearly</option>
          {form.customRule ? <option value="custom">Custom (kept as it is)</option> : null}
        </select>
      </div>
      {form.repeat === "weekly" ? (
        <fieldset>
          <legend>On</legend>
          <div class="days">
            {WEEKDAY_CODES.map((code, i) => (
              <label class="inline" key={code}>
                <input type="checkbox" checked={form.days.includes(code)} {...invalid("days")}
                  onChange={(e) => {
                    const on = (e.target as HTMLInputElement).checked;
                    set("days", on ? [...form.days, code] : form.days.filter((d) => d !== code));
                  }} />
                {WEEKDAY_LABELS[i]}
              </label>
            ))}
          </div>
          {err("days")}
        </fieldset>
      ) : null}
      {form.repeat !== "none" && form.repeat !== "custom" ? (
        <div class="row">
          <div class="field">
            <label for="ed-repeat-ends">Repeat ends</label>
            <select id="ed-repeat-ends" value={form.repeatEnd} onChange={(e) => set("repeatEnd", (e.target as HTMLSelectElement).value as Form["repeatEnd"])}>
              <option value="never">Never</option>
              <option value="until">On date</option>
              <option value="count">After</option>
            </select>
          </div>
          {form.repeatEnd === "until" ? (
            <div class="field">
              <label for="ed-until">Until</label>
              <input id="ed-until" type="date" value={form.until} onInput={(e) => set("until", (e.target as HTMLInputElement).value)} {...invalid("until")} />
            </div>
          ) : null}
          {form.repeatEnd === "count" ? (
            <div class="field">
              <label for="ed-occurrences">Occurrences</label>
              <input id="ed-occurrences" type="number" min={1} max={1000} value={String(form.count)}
                onInput={(e) => set("count", Number((e.target as HTMLInputElement).value))} {...invalid("count")} />
            </div>
          ) : null}
        </div>
      ) : null}
      {err("until")}
      {err("count")}
    </>
  );
}

function ReminderSelect({ label, value, onChange }: { label: string; value: number | null; onChange(v: number | null): void }) {
  const known = value === null || REMINDER_CHOICES.some(([m]) => m === value);
  const id = `ed-${label.toLowerCase().replace(/[^a-z]+/g, "-")}`;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value === null ? "none" : String(value)}
        onChange={(e) => {
          const v = (e.target as HTMLSelectElement).value;
          onChange(v === "none" ? null : Number(v));
        }}>
        <option value="none">None</option>
        {REMINDER_CHOICES.map(([m, text]) => <option key={m} value={String(m)}>{text}</option>)}
        {!known ? <option value={String(value)}>{reminderLabel(value as number)}</option> : null}
      </select>
    </div>
  );
}

const FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

/** Keep Tab inside `root`. */
export function trapTab(e: KeyboardEvent, root: HTMLElement | null): void {
  if (!root) return;
  const items = [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.closest("[hidden]"));
  if (items.length === 0) return;
  const first = items[0] as HTMLElement;
  const last = items[items.length - 1] as HTMLElement;
  const active = document.activeElement;
  if (e.shiftKey && (active === first || !root.contains(active))) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (active === last || !root.contains(active))) {
    e.preventDefault();
    first.focus();
  }
}

/** "Your time (Europe/Berlin): 3 Dec 16:00–17:00" when the event's zone is another. */
export function yourTime(f: Form, displayZone: string, locale: string): string | null {
  if (f.allDay || !f.zone || f.zone === displayZone || !isValidZone(f.zone) || !isValidZone(displayZone)) return null;
  const re = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
  if (!re.test(f.start) || !re.test(f.end)) return null;
  const a = instantOf(parseLocal(f.start), f.zone);
  const b = instantOf(parseLocal(f.end), f.zone);
  const fmt = formatsFor(locale);
  const wa = wallOf(a, displayZone);
  const wb = wallOf(b, displayZone);
  const da = dateOfWall(wa);
  const db = dateOfWall(wb);
  const end = da === db ? fmt.time(wb) : `${fmt.dayMonth(db)} ${fmt.time(wb)}`;
  return `Your time (${displayZone.replace(/_/g, " ")}): ${fmt.dayMonth(da)} ${fmt.time(wa)}–${end}`;
}

/** Definitions of zones files defined, by name, as GET /events sent them (this page's life). */
const LABELS = new Map<string, string>();

function knownZones(name: string): Record<string, string> | undefined {
  const def = name ? LABELS.get(name) : undefined;
  return def ? { [name]: def } : undefined;
}

function wireMs(text: string): number {
  const t = parseWire(text);
  return t.kind === "zoned" ? (t.ms as number) : NaN;
}

/** The weekday code ('MO'..'SU') of a date or date-time text. */
function ownDay(text: string): string {
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return "MO"; // a half-typed date
  return WEEKDAY_CODES[(weekday(text.slice(0, 10)) + 6) % 7] as string;
}

function dayDiff(a: string, b: string): number {
  return Math.round((Date.parse(`${b.slice(0, 10)}T00:00:00Z`) - Date.parse(`${a.slice(0, 10)}T00:00:00Z`)) / 86_400_000);
}
function addDaysText(d: string, n: number): string {
  return new Date(Date.parse(`${d.slice(0, 10)}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
function minutesBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}:00Z`) - Date.parse(`${a}:00Z`)) / 60_000);
}
