// Sending a plan, and finding a series' members.
import type { Api } from "../api/client";
import { ApiError } from "../api/client";
import type { EventWire } from "../api/types";
import type { Plan } from "./series";
import { uidOf } from "./series";

interface SyncPage {
  events?: EventWire[];
  cursor: string;
  has_more: boolean;
}

/**
 * A series' master and overrides (live ones), from the change feed: the only read
 * that finds every override, wherever its instance was moved (GET /events sees a
 * window, and never a cancelled override).
 */
export async function loadSeries(api: Api, uid: string): Promise<{ master: EventWire | null; overrides: EventWire[] }> {
  const byId = new Map<string, EventWire>();
  let cursor = "";
  for (let page = 0; page < 200; page++) {
    const q = new URLSearchParams({ limit: "1000" });
    if (cursor) q.set("cursor", cursor);
    const res = await api.request<SyncPage>("GET", `/sync?${q.toString()}`);
    for (const ev of res.events ?? []) {
      if (uidOf(ev) !== uid) continue;
      const had = byId.get(ev.id);
      if (!had || (ev.version ?? 0) >= (had.version ?? 0)) byId.set(ev.id, ev);
    }
    cursor = res.cursor;
    if (!res.has_more) break;
  }
  const live = [...byId.values()].filter((e) => !e.deleted);
  return {
    master: live.find((e) => !e.recurrence_id) ?? null,
    overrides: live.filter((e) => !!e.recurrence_id),
  };
}

/** The first write went through; some of the writes that follow it did not. */
export class PartialSaveError extends Error {
  override name = "PartialSaveError";
  readonly saved: EventWire | null;
  constructor(message: string, saved: EventWire | null) {
    super(message);
    this.saved = saved;
  }
}

interface BatchItemResult {
  id: string;
  status: number;
  version?: number | null;
  current?: EventWire | null;
  detail?: string | null;
}

/**
 * Sends a plan. The first write goes alone (PUT or DELETE with its version), so a
 * 412 or a refusal there leaves everything as it was; the rest (overrides that
 * follow) go in one batch. Returns the first write's result.
 */
export async function runPlan(api: Api, plan: Plan): Promise<EventWire | null> {
  const first = plan.puts[0];
  let result: EventWire | null = null;
  const restPuts = plan.puts.slice(1);
  let restDeletes = plan.deletes;
  if (first) {
    result = await api.putEvent(first.ev, first.ifMatch);
  } else if (plan.deletes[0]) {
    const d = plan.deletes[0];
    await api.deleteEvent(d.id, d.version);
    restDeletes = plan.deletes.slice(1);
  }
  if (restPuts.length === 0 && restDeletes.length === 0) return result;
  for (let i = 0; i < Math.max(restPuts.length, restDeletes.length); i += 100) {
    const puts = restPuts.slice(i, i + 100);
    const dels = restDeletes.slice(i, i + 100);
    const ifMatch: Record<string, number> = {};
    for (const p of puts) if (p.ifMatch !== null) ifMatch[p.ev.id] = p.ifMatch;
    const body = {
      events: puts.map((p) => stripServer(p.ev)),
      if_match: ifMatch,
      deletes: dels.map((d) => ({ id: d.id, if_match: d.version })),
    };
    let res: { results: BatchItemResult[] };
    try {
      res = await api.request<{ results: BatchItemResult[] }>("POST", "/events/batch", { body, write: true });
    } catch (e) {
      const why = e instanceof ApiError || e instanceof Error ? e.message : "";
      throw new PartialSaveError(
        `The series was changed, but its changed occurrences were not updated: ${why.replace(/ Nothing was saved\.$/, "")}`.trim(),
        result);
    }
    const bad = res.results.filter((r) => r.status >= 400 && r.status !== 404);
    if (bad.length) {
      const elsewhere = bad.some((r) => r.status === 412);
      throw new PartialSaveError(
        `The series was changed, but ${bad.length} of its changed occurrences ${bad.length === 1 ? "was" : "were"} not updated` +
        (elsewhere ? " (changed elsewhere meanwhile)." : "."), result);
    }
  }
  return result;
}

function stripServer(ev: EventWire): EventWire {
  const { version: _v, created_at: _c, updated_at: _u, deleted: _d, ...rest } = ev;
  return rest;
}
