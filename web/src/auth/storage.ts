// Where the sign-in lives in the browser (docs/web.md, "Tokens").
//
// - amazon-cognito-identity-js caches tokens in the `Storage` it is given; we give it
//   MemoryStorage, so the library never writes localStorage or cookies.
// - The access and ID tokens are in memory only.
// - The refresh token is kept in sessionStorage (this tab only: gone when the tab
//   closes) for at most KEEP_HOURS after sign-in, so reloading the page does not
//   sign the user out. Nothing is ever written to localStorage.
import type { ICognitoStorage } from "amazon-cognito-identity-js";

export class MemoryStorage implements ICognitoStorage {
  private readonly items = new Map<string, string>();
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  clear(): void {
    this.items.clear();
  }
  get size(): number {
    return this.items.size;
  }
}

/** The part of the Web Storage API the keeper uses (sessionStorage in the browser). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const SESSION_KEY = "aurora.session";
/** A kept refresh token is used for at most this long after the sign-in. */
export const KEEP_HOURS = 12;

export interface KeptSession {
  /** The API the session belongs to (a token of another server is never sent there). */
  api: string;
  email: string;
  refreshToken: string;
  /** Epoch ms after which the kept token is not used any more. */
  expiresAt: number;
}

export class SessionKeeper {
  private readonly store: KeyValueStore | null;
  private readonly now: () => number;

  constructor(store: KeyValueStore | null, now: () => number = Date.now) {
    this.store = store;
    this.now = now;
  }

  /** Keep the refresh token for a reload in this tab (from the sign-in's time). */
  save(api: string, email: string, refreshToken: string): void {
    if (!this.store) return;
    const kept: KeptSession = {
      api,
      email,
      refreshToken,
      expiresAt: this.now() + KEEP_HOURS * 3600_000,
    };
    try {
      this.store.setItem(SESSION_KEY, JSON.stringify(kept));
    } catch {
      // Storage full or refused (private mode): a reload will ask to sign in again.
    }
  }

  /** Keep a new refresh token (Cognito may rotate it) without moving the expiry. */
  update(refreshToken: string): void {
    const kept = this.peek();
    if (!kept || !this.store) return;
    try {
      this.store.setItem(SESSION_KEY, JSON.stringify({ ...kept, refreshToken }));
    } catch {
      /* as in save */
    }
  }

  /** The kept session for `api`, if there is one and it has not expired (else forgotten). */
  load(api: string): KeptSession | null {
    const kept = this.peek();
    if (!kept) return null;
    if (kept.api !== api || kept.expiresAt <= this.now()) {
      this.clear();
      return null;
    }
    return kept;
  }

  clear(): void {
    try {
      this.store?.removeItem(SESSION_KEY);
    } catch {
      /* nothing kept */
    }
  }

  private peek(): KeptSession | null {
    let raw: string | null = null;
    try {
      raw = this.store?.getItem(SESSION_KEY) ?? null;
    } catch {
      return null;
    }
    if (!raw) return null;
    try {
      const v = JSON.parse(raw) as Partial<KeptSession>;
      if (
        typeof v.api === "string" &&
        typeof v.email === "string" &&
        typeof v.refreshToken === "string" &&
        typeof v.expiresAt === "number"
      ) {
        return v as KeptSession;
      }
    } catch {
      /* damaged: forget it */
    }
    this.clear();
    return null;
  }
}

/** sessionStorage when the browser allows it, else nothing (sign-in lasts until reload). */
export function browserSessionStore(): KeyValueStore | null {
  try {
    const s = globalThis.sessionStorage;
    return s ?? null;
  } catch {
    return null;
  }
}
