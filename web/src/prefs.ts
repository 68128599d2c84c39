// Browser-local preferences (never secrets): which calendars are shown here.
// Kept in localStorage per user, so another person signing in on the same browser
// does not inherit them; the server's own `visible` flag is the default.
import type { CalendarWire } from "./api/types";

export interface PrefStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function key(sub: string): string {
  return `aurora.shown.${sub}`;
}

/** id → shown, as the user set it in this browser. */
export function loadShown(store: PrefStore | null, sub: string): Record<string, boolean> {
  try {
    const raw = store?.getItem(key(sub));
    const v: unknown = raw ? JSON.parse(raw) : {};
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const out: Record<string, boolean> = {};
      for (const [k, b] of Object.entries(v)) if (typeof b === "boolean") out[k] = b;
      return out;
    }
  } catch {
    /* damaged: start again */
  }
  return {};
}

export function saveShown(store: PrefStore | null, sub: string, shown: Record<string, boolean>): void {
  try {
    store?.setItem(key(sub), JSON.stringify(shown));
  } catch {
    /* storage refused: the choice lasts until reload */
  }
}

export function isShown(cal: CalendarWire, shown: Record<string, boolean>): boolean {
  return shown[cal.id] ?? cal.visible !== false;
}

export function browserPrefStore(): PrefStore | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
