// What to write for each kind of save or delete, in the shapes the desktop reads
// (aurora_core.recurrence: edit_occurrence, edit_all, delete_occurrence). Pure: each
// plan is a list of puts and deletes; editor/save.ts sends them.
import type { EventWire } from "../api/types";
import {
  addDays, instantOf, isValidZone, localText, parseLocal, parseWire, sameWireTime, wallOf, wallToUtcMs, zonedWireText,
} from "../time/zone";
import type { Form, Kept } from "./model";
import { changedFields, formReminders, formToEvent, formToRule, repeatChanged, WEEKDAY_CODES } from "./model";

export interface Put {
  ev: EventWire;
  /** null: create (If-None-Match: *); a number: the version this update is based on. */
  ifMatch: number | null;
}
export interface Del {
  id: string;
  /** null: delete whatever is stored. */
  version: number | null;
}
/** Writes in order: the first put or delete carries the user's change on its own. */
export interface Plan {
  puts: Put[];
  deletes: Del[];
}

export function uidOf(ev: EventWire): string {
  return ev.uid ?? ev.id;
}

/** The master fields a new override copies (as edit_occurrence: master.replace(...)). */
export function overrideBase(master: EventWire, rid: string, id: string): EventWire {
  const { version: _v, created_at: _c, updated_at: _u, deleted: _d, ...rest } = master;
  return {
    ...rest,
    id,
    uid: uidOf(master),
    rrule: null,
    rdates: [],
    exdates: [],
    recurrence_id: rid,
  };
}

/** A new event, or an edit of a plain (non-repeating) one. */
export function planSingle(form: Form, kept: Kept, base: EventWire | null, newId: string): Plan {
  if (base === null) {
    const ev = formToEvent(form, kept, { id: newId, uid: newId, calendar_id: form.calendarId, start: "", end: "" });
    return { puts: [{ ev, ifMatch: null }], deletes: [] };
  }
  return { puts: [{ ev: formToEvent(form, kept, base), ifMatch: base.version ?? 0 }], deletes: [] };
}

/**
 * "Only this event": the occurrence's override, created (from the master) or updated.
 * `occEvent` is what the occurrence carried: the master, or its override.
 */
export function planOnlyThis(form: Form, kept: Kept, occEvent: EventWire, rid: string, newId: string): Plan {
  if (occEvent.recurrence_id) {
    return { puts: [{ ev: formToEvent(form, kept, occEvent, false), ifMatch: occEvent.version ?? 0 }], deletes: [] };
  }
  let base = overrideBase(occEvent, rid, newId);
  if (form.timesReadOnly && kept.times) {
    // Times the browser cannot compute: the override is the occurrence, as the server sent it.
    base = { ...base, start: kept.times.start, end: kept.times.end };
  }
  const ev = formToEvent(form, kept, base, false);
  return { puts: [{ ev, ifMatch: null }], deletes: [] };
}

/** "Delete only this one": an EXDATE on the master, and its override goes. */
export function planDeleteOne(master: EventWire, rid: string, overrides: EventWire[]): Plan {
  const plan: Plan = { puts: [], deletes: [] };
  const exdates = master.exdates ?? [];
  if (!exdates.some((x) => sameWireTime(x, rid))) {
    plan.puts.push({ ev: { ...master, exdates: [...exdates, rid] }, ifMatch: master.version ?? 0 });
  }
  for (const ov of overrides) {
    if (ov.recurrence_id && sameWireTime(ov.recurrence_id, rid)) plan.deletes.push({ id: ov.id, version: null });
  }
  return plan;
}

/** "Delete all": the master (with its version), then its overrides. */
export function planDeleteAll(master: EventWire, overrides: EventWire[]): Plan {
  return {
    puts: [],
    deletes: [{ id: master.id, version: master.version ?? 0 }, ...overrides.map((o) => ({ id: o.id, version: null }))],
  };
}


// ---------------------------------------------------------------- "All events"

const FOLLOWED: Array<keyof EventWire> = ["title", "location", "notes", "status", "reminders", "calendar_id"];

function wallMs(text: string, zone: string | null): number {
  const t = parseWire(text);
  if (t.kind === "zoned" && zone && isValidZone(zone)) return wallToUtcMs(wallOf(t.ms as number, zone));
  return wallToUtcMs(t.wall);
}

function wallFromMs(ms: number) {
  const d = new Date(ms);
  return {
    y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(),
    s: d.getUTCSeconds(),
  };
}

/** A wire time moved by a wall-clock amount, read in `from` and written in `to` (same kind). */
export function shiftWire(text: string, deltaMs: number, from: string | null, to: string | null, allDay: boolean): string {
  const w = wallFromMs(wallMs(text, from) + deltaMs);
  if (allDay) return localText(w).slice(0, 10);
  if (!to) return `${localText(w)}:${String(w.s).padStart(2, "0")}`;
  return zonedWireText(instantOf(w, to), to);
}

/** A rule whose instances all moved by `days` on the calendar and `deltaMs` of wall clock. */
export function moveRule(rule: string, days: number, deltaMs: number, oldStartDay: number, newStartDay: number): string {
  const parts = rule.split(";").map((p) => {
    const i = p.indexOf("=");
    return [p.slice(0, i).toUpperCase(), p.slice(i + 1)] as [string, string];
  });
  const out = parts.map(([k, v]) => {
    if (k === "BYDAY" && days % 7 !== 0) {
      const moved = v.split(",").map((entry) => {
        const name = entry.slice(-2).toUpperCase();
        const idx = WEEKDAY_CODES.indexOf(name as never);
        if (idx < 0) return entry;
        return entry.slice(0, -2) + WEEKDAY_CODES[(((idx + days) % 7) + 7) % 7];
      });
      return [k, moved.join(",")];
    }
    if (k === "BYMONTHDAY" && /^\d+$/.test(v) && Number(v) === oldStartDay) return [k, String(newStartDay)];
    if (k === "UNTIL") {
      const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(v);
      if (!m) return [k, v];
      if (m[4] === undefined) {
        return [k, addDays(`${m[1]}-${m[2]}-${m[3]}`, days).replace(/-/g, "")];
      }
      const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) + deltaMs;
      const d = new Date(ms);
      const p2 = (n: number) => String(n).padStart(2, "0");
      return [k, `${d.getUTCFullYear()}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}T${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}${p2(d.getUTCSeconds())}${m[7] ?? ""}`];
    }
    return [k, v];
  });
  return out.map(([k, v]) => `${k}=${v}`).join(";");
}

function durationMs(ev: EventWire): number {
  const s = parseWire(ev.start);
  const e = parseWire(ev.end);
  if (s.kind === "zoned" && e.kind === "zoned") return (e.ms as number) - (s.ms as number);
  return wallToUtcMs(e.wall) - wallToUtcMs(s.wall);
}

/**
 * "All events": the user's changes (the form against what it first showed for this
 * occurrence) applied to the master. A moved time moves the series by the same
 * wall-clock amount (its days, EXDATEs, RDATEs, UNTIL and overrides with it);
 * what an override had not changed itself follows the series. A changed repeat or
 * a change between all-day and timed drops the overrides (they no longer name
 * instances), as the desktop's edit_all does for the latter.
 */
export function planAll(initial: Form, form: Form, kept: Kept, master: EventWire, overrides: EventWire[]): Plan {
  const changed = changedFields(initial, form);
  const next: EventWire = { ...master };
  if (changed.has("title")) next.title = form.title;
  if (changed.has("location")) next.location = form.location;
  if (changed.has("notes")) next.notes = form.notes;
  if (changed.has("calendarId")) next.calendar_id = form.calendarId;
  if (changed.has("email") || changed.has("notification")) next.reminders = formReminders(form, kept);

  const oldZone = master.timezone ?? null;
  const newZone = form.allDay ? null : (changed.has("zone") || changed.has("allDay") ? form.zone || null : oldZone);
  const kindChanged = (master.all_day === true) !== form.allDay;
  const timeChanged = changed.has("start") || changed.has("end") || changed.has("allDay") || changed.has("zone");
  const ruleChanged = repeatChanged(initial, form);

  let delta = 0;
  let days = 0;
  if (timeChanged) {
    // The move, as a wall-clock amount: what the user did to this occurrence.
    delta = wallToUtcMs(parseLocal(form.start)) - wallToUtcMs(parseLocal(initial.start));
    const masterStart = wallFromMs(wallMs(master.start, oldZone) + delta);
    const startLocal = form.allDay ? localText(masterStart).slice(0, 10) : localText(masterStart);
    days = Math.round((wallToUtcMs(parseLocal(startLocal.slice(0, 10))) -
      wallToUtcMs(parseLocal(master.start.slice(0, 10)))) / 86_400_000);
    if (kindChanged) {
      // Timed <-> all day: the occurrence's new times, on the master's (moved) date.
      const end = form.allDay
        ? addDays(addDays(startLocal, daysBetween(form.start, form.end)), 1)
        : null;
      next.all_day = form.allDay;
      next.timezone = newZone;
      if (form.allDay) {
        next.start = startLocal;
        next.end = end as string;
      } else {
        const s = `${startLocal.slice(0, 10)}T${form.start.slice(11, 16)}`;
        next.start = toWire(s, newZone);
        next.end = toWire(endAfter(s, form, newZone), newZone);
      }
    } else if (form.allDay) {
      next.start = startLocal;
      next.end = addDays(addDays(startLocal, daysBetween(form.start, form.end)), 1);
    } else {
      next.timezone = newZone;
      next.start = toWire(startLocal, newZone);
      next.end = toWire(endAfter(startLocal, form, newZone), newZone);
    }
  }

  const plan: Plan = { puts: [], deletes: [] };
  const oldStartDay = Number(master.start.slice(8, 10));
  const newStartDay = Number(next.start.slice(8, 10));
  if (ruleChanged) {
    next.rrule = formToRule({ ...form, start: next.start.slice(0, 10) + form.start.slice(10) });
  } else if (next.rrule && (days !== 0 || delta !== 0)) {
    next.rrule = moveRule(next.rrule, days, delta, oldStartDay, newStartDay);
  }
  if (kindChanged) {
    next.exdates = [];
    next.rdates = [];
  } else if (timeChanged && (delta !== 0 || oldZone !== newZone)) {
    const allDay = form.allDay;
    next.exdates = (master.exdates ?? []).map((x) => shiftWire(x, delta, oldZone, newZone, allDay));
    next.rdates = (master.rdates ?? []).map((x) => shiftWire(x, delta, oldZone, newZone, allDay));
  }
  if (ruleChanged && !next.rrule) {
    // No longer repeats: a single event keeps no series dates.
    next.exdates = [];
    next.rdates = [];
  }
  plan.puts.push({ ev: next, ifMatch: master.version ?? 0 });

  const dropAll = kindChanged || ruleChanged;
  const oldDuration = durationMs(master);
  for (const ov of overrides) {
    if (dropAll || !ov.recurrence_id) {
      plan.deletes.push({ id: ov.id, version: null });
      continue;
    }
    const moved = timeChanged && (delta !== 0 || oldZone !== newZone);
    const rid = moved ? shiftWire(ov.recurrence_id, delta, oldZone, newZone, form.allDay) : ov.recurrence_id;
    const o: EventWire = { ...ov, recurrence_id: rid };
    let touched = moved;
    for (const f of FOLLOWED) {
      if (JSON.stringify(ov[f] ?? null) === JSON.stringify(master[f] ?? null) &&
          JSON.stringify(next[f] ?? null) !== JSON.stringify(master[f] ?? null)) {
        (o as unknown as Record<string, unknown>)[f] = next[f];
        touched = true;
      }
    }
    const keptTime = sameWireTime(ov.start, ov.recurrence_id) && durationMs(ov) === oldDuration;
    if (keptTime && timeChanged) {
      o.timezone = newZone;
      o.start = rid;
      o.end = endOfInstance(rid, next, newZone);
      touched = true;
    }
    if (touched) plan.puts.push({ ev: o, ifMatch: ov.version ?? 0 });
  }
  return plan;
}

function daysBetween(a: string, b: string): number {
  return Math.round((wallToUtcMs(parseLocal(b.slice(0, 10))) - wallToUtcMs(parseLocal(a.slice(0, 10)))) / 86_400_000);
}

function toWire(local: string, zone: string | null): string {
  if (!zone) return `${local.slice(0, 16)}:00`;
  return zonedWireText(instantOf(parseLocal(local), zone), zone);
}

/** The end of a series' first instance starting at `startLocal`: the form's duration (elapsed). */
function endAfter(startLocal: string, form: Form, zone: string | null): string {
  const z = zone && isValidZone(zone) ? zone : "UTC";
  const dur = instantOf(parseLocal(form.end), z) - instantOf(parseLocal(form.start), z);
  return localText(wallOf(instantOf(parseLocal(startLocal), z) + dur, z));
}

/** The end of the instance starting at `rid` of series `master` (its duration). */
function endOfInstance(rid: string, master: EventWire, zone: string | null): string {
  const dur = durationMs(master);
  const r = parseWire(rid);
  if (r.kind === "date") return addDays(rid, Math.round(dur / 86_400_000));
  if (r.kind === "zoned" && zone) return zonedWireText((r.ms as number) + dur, zone);
  const w = wallFromMs(wallToUtcMs(r.wall) + dur);
  return `${localText(w)}:${String(w.s).padStart(2, "0")}`;
}
