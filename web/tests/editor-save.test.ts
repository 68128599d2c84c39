import { describe, expect, it } from "vitest";
import { ApiError, OfflineError } from "../src/api/client";
import type { Api } from "../src/api/client";
import type { EventWire } from "../src/api/types";
import { PartialSaveError, loadSeries, runPlan } from "../src/editor/save";

const A = "11111111-1111-4111-8111-111111111111";
const B = "22222222-2222-4222-8222-222222222222";
const C = "33333333-3333-4333-8333-333333333333";
const ev = (id: string, extra: Partial<EventWire> = {}): EventWire =>
  ({ id, calendar_id: "c", start: "2026-12-01", end: "2026-12-02", all_day: true, version: 1, ...extra });

function fakeApi(opts: { put?: (e: EventWire) => EventWire; batch?: (body: unknown) => unknown; sync?: unknown[] } = {}) {
  const calls: string[] = [];
  let page = 0;
  const api = {
    async putEvent(e: EventWire, ifMatch: number | null) {
      calls.push(`PUT ${e.id} ${ifMatch}`);
      return opts.put ? opts.put(e) : { ...e, version: (e.version ?? 0) + 1 };
    },
    async deleteEvent(id: string, version: number | null) {
      calls.push(`DELETE ${id} ${version}`);
    },
    async request(method: string, path: string, o: { body?: unknown } = {}) {
      calls.push(`${method} ${path}${o.body ? ` ${JSON.stringify(o.body)}` : ""}`);
      if (path.startsWith("/sync")) return opts.sync?.[page++];
      if (opts.batch) return opts.batch(o.body);
      return { results: [] };
    },
  };
  return { api: api as unknown as Api, calls };
}

describe("runPlan", () => {
  it("sends the master alone first, then the overrides in one batch with their versions", async () => {
    const { api, calls } = fakeApi();
    await runPlan(api, {
      puts: [{ ev: ev(A), ifMatch: 4 }, { ev: ev(B, { version: 2 }), ifMatch: 2 }],
      deletes: [{ id: C, version: null }],
    });
    expect(calls[0]).toBe(`PUT ${A} 4`);
    expect(calls).toHaveLength(2);
    const body = JSON.parse(calls[1]!.slice("POST /events/batch ".length));
    expect(body.if_match).toEqual({ [B]: 2 });
    expect(body.events[0].version).toBeUndefined();
    expect(body.deletes).toEqual([{ id: C, if_match: null }]);
  });

  it("a 412 on the first write sends nothing else", async () => {
    const { api, calls } = fakeApi({ put: () => { throw new ApiError(412, "Precondition Failed", ""); } });
    await expect(runPlan(api, { puts: [{ ev: ev(A), ifMatch: 4 }, { ev: ev(B), ifMatch: 1 }], deletes: [] }))
      .rejects.toBeInstanceOf(ApiError);
    expect(calls).toEqual([`PUT ${A} 4`]);
  });

  it("a delete plan deletes the master first with its version", async () => {
    const { api, calls } = fakeApi();
    await runPlan(api, { puts: [], deletes: [{ id: A, version: 3 }, { id: B, version: null }] });
    expect(calls[0]).toBe(`DELETE ${A} 3`);
    expect(calls[1]).toContain(`"deletes":[{"id":"${B}","if_match":null}]`);
  });

  it("says so when the first write went through and the batch did not", async () => {
    const { api } = fakeApi({ batch: () => { throw new OfflineError(); } });
    const p = runPlan(api, { puts: [{ ev: ev(A), ifMatch: 4 }, { ev: ev(B), ifMatch: 1 }], deletes: [] });
    await expect(p).rejects.toBeInstanceOf(PartialSaveError);
    await expect(p).rejects.toThrow(/The series was changed, but its changed occurrences were not updated/);
    const { api: api2 } = fakeApi({ batch: () => ({ results: [{ id: B, status: 412 }] }) });
    await expect(runPlan(api2, { puts: [{ ev: ev(A), ifMatch: 4 }, { ev: ev(B), ifMatch: 1 }], deletes: [] }))
      .rejects.toThrow("1 of its changed occurrences was not updated (changed elsewhere meanwhile).");
  });
});

describe("loadSeries", () => {
  it("pages through the change feed and keeps the series' live members, newest version", async () => {
    const { api, calls } = fakeApi({
      sync: [
        { events: [ev(A, { uid: "u", rrule: "FREQ=DAILY" }), ev(B, { uid: "u", recurrence_id: "2026-12-03", version: 1 }),
          ev(C, { uid: "other" })], cursor: "c1", has_more: true },
        { events: [ev(B, { uid: "u", recurrence_id: "2026-12-03", version: 2, title: "new" }),
          ev("44444444-4444-4444-8444-444444444444", { uid: "u", recurrence_id: "2026-12-05", deleted: true })],
        cursor: "c2", has_more: false },
      ],
    });
    const s = await loadSeries(api, "u");
    expect(s.master?.id).toBe(A);
    expect(s.overrides.map((o) => [o.id, o.title])).toEqual([[B, "new"]]);
    expect(calls[1]).toContain("cursor=c1");
  });
});
