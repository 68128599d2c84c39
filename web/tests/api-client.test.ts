import { describe, expect, it, vi } from "vitest";
import {
  Api,
  ApiError,
  OFFLINE_MESSAGE,
  OFFLINE_READ_MESSAGE,
  OfflineError,
  SESSION_ENDED_MESSAGE,
  SessionEndedError,
  type FetchLike,
  type TokenSource,
} from "../src/api/client";
import type { EventWire } from "../src/api/types";

const EV: EventWire = {
  id: "6f1c2d3e-4a5b-4c6d-8e7f-001122334455",
  calendar_id: "work",
  start: "2026-12-03T09:30:00+01:00",
  end: "2026-12-03T09:45:00+01:00",
  title: "Standup",
  version: 3,
  created_at: "2026-12-01T00:00:00Z",
};

function json(status: number, body: unknown, type = "application/json"): Response {
  return new Response(body === null ? null : JSON.stringify(body), { status, headers: { "Content-Type": type } });
}

function problem(status: number, title: string, detail: string, extra: object = {}): Response {
  return json(status, { type: "about:blank", title, status, detail, ...extra }, "application/problem+json");
}

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A fetch that answers from a list and records what was asked. */
function scripted(answers: Array<Response | Error>): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({
      url,
      method: init?.method ?? "GET",
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
    });
    const next = answers.shift();
    if (!next) throw new Error("no more answers");
    if (next instanceof Error) throw next;
    return next;
  };
  return { fetch, calls };
}

function tokens(opts: { refreshWorks?: boolean } = {}) {
  let token = "t1";
  const src: TokenSource & { ended: string[]; refreshes: number } = {
    ended: [],
    refreshes: 0,
    accessToken: () => token,
    refresh: async () => {
      src.refreshes++;
      if (opts.refreshWorks === false) return false;
      token = "t2";
      return true;
    },
    sessionEnded: (m: string) => {
      src.ended.push(m);
    },
  };
  return src;
}

describe("Api requests", () => {
  it("sends the bearer token and creates with If-None-Match: *, without server fields", async () => {
    const { fetch, calls } = scripted([json(201, { ...EV, version: 1 })]);
    const api = new Api("http://api.test/", tokens(), fetch);
    const saved = await api.putEvent(EV, null);
    expect(saved.version).toBe(1);
    expect(calls[0]?.url).toBe(`http://api.test/events/${EV.id}`);
    expect(calls[0]?.method).toBe("PUT");
    expect(calls[0]?.headers.Authorization).toBe("Bearer t1");
    expect(calls[0]?.headers["If-None-Match"]).toBe("*");
    expect(calls[0]?.headers["If-Match"]).toBeUndefined();
    expect(calls[0]?.body).not.toHaveProperty("version");
    expect(calls[0]?.body).not.toHaveProperty("created_at");
  });

  it("updates with If-Match naming the version it is based on", async () => {
    const { fetch, calls } = scripted([json(200, { ...EV, version: 4 })]);
    await new Api("http://api.test", tokens(), fetch).putEvent(EV, 3);
    expect(calls[0]?.headers["If-Match"]).toBe('"3"');
  });

  it("asks for occurrences with from, to and tz", async () => {
    const { fetch, calls } = scripted([json(200, { occurrences: [], truncated: false })]);
    await new Api("http://api.test", tokens(), fetch).listOccurrences("2026-11-29T23:00:00.000Z", "2026-12-06T23:00:00.000Z", "Europe/Berlin");
    const u = new URL(calls[0]?.url ?? "");
    expect(u.pathname).toBe("/events");
    expect(u.searchParams.get("from")).toBe("2026-11-29T23:00:00.000Z");
    expect(u.searchParams.get("to")).toBe("2026-12-06T23:00:00.000Z");
    expect(u.searchParams.get("tz")).toBe("Europe/Berlin");
  });

  it("drops deleted calendars", async () => {
    const { fetch } = scripted([json(200, { calendars: [{ id: "a", name: "A" }, { id: "b", name: "B", deleted: true }] })]);
    const cals = await new Api("http://api.test", tokens(), fetch).listCalendars();
    expect(cals.map((c) => c.id)).toEqual(["a"]);
  });

  it("deletes with If-Match and takes 204", async () => {
    const { fetch, calls } = scripted([new Response(null, { status: 204 })]);
    await expect(new Api("http://api.test", tokens(), fetch).deleteEvent(EV.id, 3)).resolves.toBeUndefined();
    expect(calls[0]?.method).toBe("DELETE");
    expect(calls[0]?.headers["If-Match"]).toBe('"3"');
  });
});

describe("Api errors", () => {
  it("412 with `current` in the problem: the error carries the server's item, no extra request", async () => {
    const current = { ...EV, title: "Standup (moved)", version: 5 };
    const { fetch, calls } = scripted([problem(412, "Precondition failed", "the event changed", { current })]);
    const err = await new Api("http://api.test", tokens(), fetch).putEvent(EV, 3).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(412);
    expect(e.title).toBe("Precondition failed");
    expect(e.detail).toBe("the event changed");
    expect(e.item).toEqual(current);
    expect(calls).toHaveLength(1);
  });

  it("412 without `current`: the client GETs the item as it is now", async () => {
    const current = { ...EV, title: "Renamed", version: 6 };
    const { fetch, calls } = scripted([problem(412, "Precondition failed", "changed"), json(200, current)]);
    const err = (await new Api("http://api.test", tokens(), fetch).deleteEvent(EV.id, 3).catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(412);
    expect(err.item).toEqual(current);
    expect(calls[1]?.method).toBe("GET");
    expect(calls[1]?.url).toBe(`http://api.test/events/${EV.id}`);
  });

  it("a problem+json answer becomes ApiError with status, title, detail and a sentence", async () => {
    const { fetch } = scripted([problem(400, "Invalid input", "an all-day event ends at least one day after it starts")]);
    const e = (await new Api("http://api.test", tokens(), fetch).putEvent(EV, null).catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(400);
    expect(e.title).toBe("Invalid input");
    expect(e.detail).toBe("an all-day event ends at least one day after it starts");
    expect(e.message).toBe("The server refused this: An all-day event ends at least one day after it starts.");
    expect(e.item).toBeUndefined();
  });

  it("a 5xx without a problem body still says one clear sentence", async () => {
    const { fetch } = scripted([new Response("<html>bad gateway</html>", { status: 502 })]);
    const e = (await new Api("http://api.test", tokens(), fetch).getSettings().catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(502);
    expect(e.message).toBe("The server had a problem. Nothing was saved; try again later.");
  });

  it("a network failure on a write is OfflineError with the contract's sentence", async () => {
    const { fetch } = scripted([new TypeError("Failed to fetch")]);
    const e = await new Api("http://api.test", tokens(), fetch).putEvent(EV, 3).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OfflineError);
    expect((e as Error).message).toBe("You are offline or the server cannot be reached. Nothing was saved.");
    expect((e as Error).message).toBe(OFFLINE_MESSAGE);
  });

  it("a network failure on a read says offline without 'Nothing was saved'", async () => {
    const { fetch } = scripted([new TypeError("Failed to fetch")]);
    const e = await new Api("http://api.test", tokens(), fetch).listCalendars().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OfflineError);
    expect((e as Error).message).toBe(OFFLINE_READ_MESSAGE);
  });

  it("a network failure while fetching the 412's item keeps the 412 (without item)", async () => {
    const { fetch } = scripted([problem(412, "Precondition failed", "changed"), new TypeError("Failed to fetch")]);
    const e = (await new Api("http://api.test", tokens(), fetch).putEvent(EV, 3).catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(412);
    expect(e.item).toBeUndefined();
  });
});

describe("Api on 401", () => {
  it("refreshes the tokens once and repeats the request with the new token", async () => {
    const auth = tokens();
    const { fetch, calls } = scripted([problem(401, "Unauthorized", "expired"), json(200, { calendars: [] })]);
    await expect(new Api("http://api.test", auth, fetch).listCalendars()).resolves.toEqual([]);
    expect(auth.refreshes).toBe(1);
    expect(calls.map((c) => c.headers.Authorization)).toEqual(["Bearer t1", "Bearer t2"]);
    expect(auth.ended).toEqual([]);
  });

  it("ends the session when the refresh is refused", async () => {
    const auth = tokens({ refreshWorks: false });
    const { fetch, calls } = scripted([problem(401, "Unauthorized", "revoked")]);
    const e = await new Api("http://api.test", auth, fetch).listCalendars().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SessionEndedError);
    expect((e as Error).message).toBe("Your session has ended. Sign in again.");
    expect(auth.ended).toEqual([SESSION_ENDED_MESSAGE]);
    expect(calls).toHaveLength(1);
  });

  it("ends the session when the new token is refused too (signed out everywhere)", async () => {
    const auth = tokens();
    const { fetch } = scripted([problem(401, "Unauthorized", "a"), problem(401, "Unauthorized", "b")]);
    const e = await new Api("http://api.test", auth, fetch).putEvent(EV, 3).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SessionEndedError);
    expect(auth.refreshes).toBe(1);
    expect(auth.ended).toHaveLength(1);
  });

  it("two requests refused at once share one refresh", async () => {
    const auth = tokens();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const slow: TokenSource = { ...auth, refresh: vi.fn(async () => { await gate; return auth.refresh(); }) };
    const answers = [problem(401, "U", "x"), problem(401, "U", "x"), json(200, { calendars: [] }), json(200, { calendars: [] })];
    const { fetch } = scripted(answers);
    const api = new Api("http://api.test", slow, fetch);
    const both = Promise.all([api.listCalendars(), api.listCalendars()]);
    await new Promise((r) => setTimeout(r, 0));
    release();
    await expect(both).resolves.toEqual([[], []]);
    expect(slow.refresh).toHaveBeenCalledTimes(1);
  });
});

describe("an account without calendars", () => {
  it("gets 'Personal' (created with If-None-Match: *) so a first event has a home", async () => {
    const { fetch, calls } = scripted([json(200, { calendars: [] }), json(201, { id: "personal", name: "Personal", color: "#3b82f6", version: 1 })]);
    const cals = await new Api("http://api.test", tokens(), fetch).calendarsOrDefault();
    expect(cals.map((c) => c.name)).toEqual(["Personal"]);
    expect(calls[1]?.method).toBe("PUT");
    expect(calls[1]?.url).toBe("http://api.test/calendars/personal");
    expect(calls[1]?.headers["If-None-Match"]).toBe("*");
  });

  it("keeps the calendars it has", async () => {
    const { fetch, calls } = scripted([json(200, { calendars: [{ id: "w", name: "Work" }] })]);
    await new Api("http://api.test", tokens(), fetch).calendarsOrDefault();
    expect(calls).toHaveLength(1);
  });

  it("when another tab made it first, uses that one instead of a second", async () => {
    const { fetch, calls } = scripted([
      json(200, { calendars: [] }),
      problem(412, "Precondition failed", "exists"),
      json(200, { calendars: [{ id: "personal", name: "Personal" }] }),
    ]);
    const cals = await new Api("http://api.test", tokens(), fetch).calendarsOrDefault();
    expect(cals.map((c) => c.id)).toEqual(["personal"]);
    expect(calls).toHaveLength(3);
  });
});

describe("refresh ahead of expiry", () => {
  it("refreshes before the request when the token is about to expire (no 401 round trip)", async () => {
    const auth = tokens();
    let soon = true;
    const src: TokenSource = { ...auth, accessToken: auth.accessToken, refresh: auth.refresh, needsRefresh: () => soon };
    const { fetch, calls } = scripted([json(200, { calendars: [] })]);
    const refresh = vi.spyOn(src, "refresh").mockImplementation(async () => {
      soon = false;
      return true;
    });
    await new Api("http://api.test", src, fetch).listCalendars();
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(calls).toHaveLength(1);
  });
});
