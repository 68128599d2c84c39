// The typed client of the Aurora API (aurora_cloud/openapi.json).
//
// Every failure is one of three errors, each with a sentence fit to show:
// - OfflineError: the request never got an answer (offline, DNS, CORS, server down);
// - ApiError: the server answered with an error (problem+json → status, title, detail;
//   412 → `item`, the server's current copy);
// - SessionEndedError: 401 even after one refresh of the tokens; the session is over.
import type {
  CalendarList,
  CalendarWire,
  EventWire,
  OccurrenceList,
  Problem,
  ServerConfig,
  SettingsWire,
} from "./types";

/** The contract's sentence for a write that could not reach the server. */
export const OFFLINE_MESSAGE =
  "You are offline or the server cannot be reached. Nothing was saved.";
/** A read that could not reach the server (nothing was being saved). */
export const OFFLINE_READ_MESSAGE = "You are offline or the server cannot be reached.";
export const SESSION_ENDED_MESSAGE = "Your session has ended. Sign in again.";

export class OfflineError extends Error {
  override name = "OfflineError";
  constructor(message: string = OFFLINE_MESSAGE) {
    super(message);
  }
}

export class SessionEndedError extends Error {
  override name = "SessionEndedError";
  constructor() {
    super(SESSION_ENDED_MESSAGE);
  }
}

export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  /** 412: the item as the server has it now (from the problem's `current` or a GET). */
  item?: EventWire | CalendarWire;
  readonly problem: Problem | null;
  constructor(status: number, title: string, detail: string, problem: Problem | null = null) {
    super(sentenceFor(status, title, detail));
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.problem = problem;
  }
}

/** One clear sentence for an error answer (what the user reads in an alert). */
export function sentenceFor(status: number, title: string, detail: string): string {
  switch (status) {
    case 400:
      return detail ? `The server refused this: ${trimPeriod(detail)}.` : "The server refused this request.";
    case 403:
      return "You are not allowed to do this.";
    case 404:
      return "This item no longer exists (it may have been deleted elsewhere).";
    case 409:
      return "The server was busy with another change. Try again.";
    case 412:
      return "This item was changed elsewhere.";
    case 413:
      return "This is too large to save.";
    case 429:
      return "Too many requests just now. Wait a moment and try again.";
    default:
      if (status >= 500) return "The server had a problem. Nothing was saved; try again later.";
      return detail ? `${trimPeriod(detail)}.` : `${title || "Error"} (${status}).`;
  }
}

function trimPeriod(s: string): string {
  const t = s.trim();
  const first = t.charAt(0).toUpperCase() + t.slice(1);
  return first.replace(/[.!]+$/, "");
}

/** What the client needs from the signed-in session. */
export interface TokenSource {
  /** The current access token, or null when signed out. */
  accessToken(): string | null;
  /** Get new tokens with the refresh token; true when it worked. */
  refresh(): Promise<boolean>;
  /** The session is over (refresh refused): forget it and send the user to sign in. */
  sessionEnded(message: string): void;
  /** True when the access token is about to expire (refreshed before the request). */
  needsRefresh?(): boolean;
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Reads say "offline" without "Nothing was saved". */
  write?: boolean;
}

export class Api {
  readonly base: string;
  private readonly auth: TokenSource;
  private readonly fetchImpl: FetchLike;
  private refreshing: Promise<boolean> | null = null;

  constructor(base: string, auth: TokenSource, fetchImpl?: FetchLike) {
    this.base = base.replace(/\/+$/, "");
    this.auth = auth;
    this.fetchImpl = fetchImpl ?? ((i, r) => globalThis.fetch(i, r));
  }

  // -- endpoints ------------------------------------------------------------

  async listCalendars(): Promise<CalendarWire[]> {
    const list = await this.request<CalendarList>("GET", "/calendars");
    return list.calendars.filter((c) => !c.deleted);
  }

  /** Create (ifMatch null: If-None-Match: *) or update a calendar. */
  putCalendar(cal: CalendarWire, ifMatch: number | null): Promise<CalendarWire> {
    const headers: Record<string, string> =
      ifMatch === null ? { "If-None-Match": "*" } : { "If-Match": `"${ifMatch}"` };
    const { version: _v, created_at: _c, updated_at: _u, deleted: _d, ...body } = cal;
    return this.request<CalendarWire>("PUT", `/calendars/${encodeURIComponent(cal.id)}`, {
      body,
      headers,
      write: true,
    });
  }

  /**
   * The account's calendars; an account with none (made on the web, never synced from a
   * desktop) gets "Personal", so there is somewhere to put a first event. A fixed id
   * keeps two tabs from making two; if that id was used before (a tombstone), a fresh one.
   */
  async calendarsOrDefault(): Promise<CalendarWire[]> {
    const cals = await this.listCalendars();
    if (cals.length > 0) return cals;
    const personal: CalendarWire = { id: "personal", name: "Personal", color: "#3b82f6" };
    try {
      return [await this.putCalendar(personal, null)];
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 412) throw e;
      const again = await this.listCalendars();
      if (again.length > 0) return again; // another tab made it meanwhile
      const id = `personal-${Math.random().toString(36).slice(2, 10)}`;
      return [await this.putCalendar({ ...personal, id }, null)];
    }
  }

  /** Occurrences overlapping [from, to) (ISO instants), series expanded by the server. */
  listOccurrences(from: string, to: string, tz: string, calendar?: string): Promise<OccurrenceList> {
    const q = new URLSearchParams({ from, to, tz });
    if (calendar) q.set("calendar", calendar);
    return this.request<OccurrenceList>("GET", `/events?${q.toString()}`);
  }

  getEvent(id: string): Promise<EventWire> {
    return this.request<EventWire>("GET", `/events/${encodeURIComponent(id)}`);
  }

  /** Create (ifMatch null: If-None-Match: *) or update (If-Match: the version it is based on). */
  async putEvent(ev: EventWire, ifMatch: number | null): Promise<EventWire> {
    const headers: Record<string, string> =
      ifMatch === null ? { "If-None-Match": "*" } : { "If-Match": `"${ifMatch}"` };
    const body = stripServerFields(ev);
    try {
      return await this.request<EventWire>("PUT", `/events/${encodeURIComponent(ev.id)}`, {
        body,
        headers,
        write: true,
      });
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) await this.fillCurrent(e, ev.id);
      throw e;
    }
  }

  /** Delete (a tombstone on the server); version: the one being deleted. */
  async deleteEvent(id: string, version: number | null): Promise<void> {
    const headers: Record<string, string> = version === null ? {} : { "If-Match": `"${version}"` };
    try {
      await this.request<null>("DELETE", `/events/${encodeURIComponent(id)}`, {
        headers,
        write: true,
      });
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) await this.fillCurrent(e, id);
      throw e;
    }
  }

  getSettings(): Promise<SettingsWire> {
    return this.request<SettingsWire>("GET", "/me/settings");
  }

  putSettings(s: SettingsWire): Promise<SettingsWire> {
    const body: SettingsWire = {};
    if (s.reminder_email !== undefined) body.reminder_email = s.reminder_email;
    if (s.timezone !== undefined) body.timezone = s.timezone;
    return this.request<SettingsWire>("PUT", "/me/settings", { body, write: true });
  }

  /** End every session of the account (every device): POST /me/signout. */
  async signOutEverywhere(): Promise<void> {
    await this.request<null>("POST", "/me/signout", { write: true });
  }

  // -- the plumbing ---------------------------------------------------------

  /** 412 without `current` in the body: ask for the item as it is now. */
  private async fillCurrent(e: ApiError, id: string): Promise<void> {
    const current = e.problem?.current;
    if (current && typeof current === "object") {
      e.item = current as EventWire;
      return;
    }
    try {
      e.item = await this.getEvent(id);
    } catch {
      // Deleted meanwhile, or offline: the editor shows the 412 without the values.
    }
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    // Ahead of expiry: one refresh now saves a 401 and a second round trip.
    if (this.auth.needsRefresh?.()) await this.refreshOnce();
    let res = await this.send(method, path, opts);
    if (res.status === 401) {
      if (await this.refreshOnce()) res = await this.send(method, path, opts);
      if (res.status === 401) {
        this.auth.sessionEnded(SESSION_ENDED_MESSAGE);
        throw new SessionEndedError();
      }
    }
    if (res.status === 204) return null as T;
    if (res.ok) {
      try {
        return (await res.json()) as T;
      } catch {
        throw new ApiError(res.status, "Bad answer", "the server's answer could not be read");
      }
    }
    throw await toApiError(res);
  }

  /** Concurrent 401s share one refresh. */
  private refreshOnce(): Promise<boolean> {
    if (!this.refreshing) {
      this.refreshing = this.auth
        .refresh()
        .catch(() => false)
        .finally(() => {
          this.refreshing = null;
        });
    }
    return this.refreshing;
  }

  private async send(method: string, path: string, opts: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json", ...opts.headers };
    const token = this.auth.accessToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    const init: RequestInit = { method, headers, cache: "no-store" };
    if (opts.body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(opts.body);
    }
    try {
      return await this.fetchImpl(this.base + path, init);
    } catch {
      throw new OfflineError(opts.write || method !== "GET" ? OFFLINE_MESSAGE : OFFLINE_READ_MESSAGE);
    }
  }
}

/** The fields the server assigns (it ignores them; sending them is noise). */
function stripServerFields(ev: EventWire): EventWire {
  const { version: _v, created_at: _c, updated_at: _u, deleted: _d, ...rest } = ev;
  return rest;
}

export async function toApiError(res: Response): Promise<ApiError> {
  let problem: Problem | null = null;
  try {
    const text = await res.text();
    const data: unknown = text ? JSON.parse(text) : null;
    if (data && typeof data === "object") problem = data as Problem;
  } catch {
    problem = null;
  }
  const title = typeof problem?.title === "string" ? problem.title : res.statusText || "Error";
  const detail = typeof problem?.detail === "string" ? problem.detail : "";
  return new ApiError(res.status, title, detail, problem);
}

// -- where the API is -------------------------------------------------------

/**
 * The API's base URL: `./config.json`'s `api_url` when the page has one (the AWS
 * deployment writes it), else the page's own origin (the local stack serves the
 * app at /app/ and the API at /).
 */
export async function discoverApiBase(pageUrl: string, fetchImpl: FetchLike): Promise<string> {
  const configUrl = new URL("config.json", pageUrl).toString();
  let res: Response;
  try {
    res = await fetchImpl(configUrl, { cache: "no-store" });
  } catch {
    throw new OfflineError(OFFLINE_READ_MESSAGE);
  }
  if (res.ok) {
    let data: unknown;
    try {
      data = await res.json();
    } catch {
      data = null;
    }
    const url = (data as { api_url?: unknown } | null)?.api_url;
    if (typeof url === "string" && /^https?:\/\//.test(url)) return url.replace(/\/+$/, "");
    throw new Error("This site's config.json has no valid api_url.");
  }
  if (res.status === 404 || res.status === 403) return new URL(pageUrl).origin;
  throw new Error(`This site's config.json could not be loaded (${res.status}).`);
}

/** GET {api}/config: the user pool, its client, the Cognito endpoint, the password rules. */
export async function loadServerConfig(base: string, fetchImpl: FetchLike): Promise<ServerConfig> {
  let res: Response;
  try {
    res = await fetchImpl(`${base}/config`, { headers: { Accept: "application/json" }, cache: "no-store" });
  } catch {
    throw new OfflineError(OFFLINE_READ_MESSAGE);
  }
  if (!res.ok) throw await toApiError(res);
  const cfg = (await res.json().catch(() => null)) as ServerConfig | null;
  if (!cfg || typeof cfg.user_pool_id !== "string" || typeof cfg.client_id !== "string") {
    throw new Error("The server did not say how to sign in (its /config is not Aurora's).");
  }
  return cfg;
}
