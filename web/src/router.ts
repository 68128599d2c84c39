// Hash routes (static hosting needs no rewrites): #/signin, #/signup, #/forgot,
// #/agenda/YYYY-MM-DD, #/week/YYYY-MM-DD, #/month/YYYY-MM-DD, #/settings.
import type { ViewKind } from "./contract";

export type Route =
  | { name: "signin" }
  | { name: "signup" }
  | { name: "forgot" }
  | { name: "settings" }
  | { name: ViewKind; date: string };

const PUBLIC = new Set(["signin", "signup", "forgot"]);
const VIEWS = new Set<string>(["agenda", "week", "month"]);

export function isPublic(r: Route): boolean {
  return PUBLIC.has(r.name);
}

export function isView(r: Route): r is { name: ViewKind; date: string } {
  return VIEWS.has(r.name);
}

/** A real calendar date 'YYYY-MM-DD' (no 2026-02-30). */
export function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= days;
}

/** The route a hash names; null when it names none (the caller picks the default). */
export function parseHash(hash: string): Route | null {
  const path = hash.replace(/^#/, "").replace(/^\/+/, "").replace(/\/+$/, "");
  const [head = "", date, ...rest] = path.split("/");
  if (rest.length > 0) return null;
  if (PUBLIC.has(head) || head === "settings") {
    return date === undefined ? ({ name: head } as Route) : null;
  }
  if (VIEWS.has(head)) {
    if (date !== undefined && isDate(date)) return { name: head as ViewKind, date };
    return null;
  }
  return null;
}

export function formatRoute(r: Route): string {
  return isView(r) ? `#/${r.name}/${r.date}` : `#/${r.name}`;
}

/**
 * Where to go: signed out, private routes lead to sign-in; signed in, the sign-in
 * pages and unknown hashes lead to this week. A view route without a valid date
 * (#/month) gets today.
 */
export function resolveRoute(hash: string, signedIn: boolean, today: string): Route {
  const parsed = parseHash(hash);
  if (!signedIn) return parsed && isPublic(parsed) ? parsed : { name: "signin" };
  if (parsed && !isPublic(parsed)) return parsed;
  const head = hash.replace(/^#\/?/, "").split("/")[0] ?? "";
  if (VIEWS.has(head)) return { name: head as ViewKind, date: today };
  return { name: "week", date: today };
}

/**
 * The page to come back to after signing in: a private page the signed-out user asked
 * for (a bookmark, a reload after the session ended), never a sign-in page.
 */
export function returnTarget(hash: string): string | null {
  const r = parseHash(hash);
  return r && !isPublic(r) ? formatRoute(r) : null;
}
