// The sign-in session against a fake Cognito (the library's fetch is stubbed):
// where tokens live, refresh after a reload, sign out revoking the refresh token.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ServerConfig } from "../src/api/types";
import { Auth } from "../src/auth/session";
import { KEEP_HOURS, MemoryStorage, SESSION_KEY, SessionKeeper, type KeyValueStore } from "../src/auth/storage";

const CONFIG: ServerConfig = {
  region: "us-east-1",
  user_pool_id: "us-east-1_pool",
  client_id: "client1",
  cognito_endpoint: "http://127.0.0.1:9/",
  password_policy: { min_length: 8, require_lowercase: true, require_uppercase: false, require_numbers: false, require_symbols: false },
};
const API = "http://127.0.0.1:9";

function b64url(s: string): string {
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
function jwt(claims: object): string {
  return `${b64url('{"alg":"none"}')}.${b64url(JSON.stringify(claims))}.sig`;
}
const exp = () => Math.floor(Date.now() / 1000) + 3600;
const access = (n: number) => jwt({ sub: "sub-1", username: "sub-1", exp: exp(), iat: exp() - 3600, origin_jti: "o1", jti: `a${n}` });
const idTok = () => jwt({ sub: "sub-1", email: "ada@example.com", exp: exp(), iat: exp() - 3600 });

class MapStore implements KeyValueStore {
  m = new Map<string, string>();
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
}

interface CognitoCall {
  target: string;
  body: Record<string, unknown>;
}

function fakeCognito(handler: (target: string, body: Record<string, unknown>) => { status: number; body: object }) {
  const calls: CognitoCall[] = [];
  const fetch = vi.fn(async (_url: string, init: RequestInit) => {
    const headers = init.headers as Record<string, string>;
    const target = headers["X-Amz-Target"]?.split(".").pop() ?? "";
    const body = JSON.parse(String(init.body)) as Record<string, unknown>;
    calls.push({ target, body });
    const a = handler(target, body);
    return new Response(JSON.stringify(a.body), { status: a.status });
  });
  vi.stubGlobal("fetch", fetch);
  return calls;
}

let localWrites: string[];
beforeEach(() => {
  localWrites = [];
  // A localStorage that records every touch: the library must never use it.
  // (The library looks for window.localStorage when it is given no Storage.)
  const spy = {
    getItem: (k: string) => (localWrites.push(`get ${k}`), null),
    setItem: (k: string) => localWrites.push(`set ${k}`),
    removeItem: (k: string) => localWrites.push(`remove ${k}`),
    clear: () => localWrites.push("clear"),
  };
  vi.stubGlobal("localStorage", spy);
  vi.stubGlobal("window", { localStorage: spy, crypto: globalThis.crypto });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the session keeper (refresh token for a reload in this tab)", () => {
  it("keeps the refresh token for this API for KEEP_HOURS, then forgets it", () => {
    let now = 1_000_000;
    const store = new MapStore();
    const k = new SessionKeeper(store, () => now);
    k.save(API, "ada@example.com", "r1");
    expect(k.load(API)?.refreshToken).toBe("r1");
    now += KEEP_HOURS * 3600_000 - 1;
    expect(k.load(API)?.email).toBe("ada@example.com");
    now += 1;
    expect(k.load(API)).toBeNull();
    expect(store.getItem(SESSION_KEY)).toBeNull();
  });

  it("never hands a token to another API, and forgets it then", () => {
    const store = new MapStore();
    const k = new SessionKeeper(store);
    k.save(API, "a@x.org", "r1");
    expect(k.load("https://other.example.com")).toBeNull();
    expect(store.getItem(SESSION_KEY)).toBeNull();
  });

  it("a rotated refresh token replaces the kept one without extending its life", () => {
    let now = 0;
    const store = new MapStore();
    const k = new SessionKeeper(store, () => now);
    k.save(API, "a@x.org", "r1");
    now = 3600_000;
    k.update("r2");
    const kept = k.load(API);
    expect(kept?.refreshToken).toBe("r2");
    expect(kept?.expiresAt).toBe(KEEP_HOURS * 3600_000);
  });

  it("damaged or foreign content is dropped; no storage at all works too", () => {
    const store = new MapStore();
    store.setItem(SESSION_KEY, "{not json");
    expect(new SessionKeeper(store).load(API)).toBeNull();
    expect(store.getItem(SESSION_KEY)).toBeNull();
    const none = new SessionKeeper(null);
    none.save(API, "a@x.org", "r");
    expect(none.load(API)).toBeNull();
  });

  it("MemoryStorage is a plain in-memory ICognitoStorage", () => {
    const m = new MemoryStorage();
    m.setItem("a", "1");
    expect(m.getItem("a")).toBe("1");
    m.removeItem("a");
    expect(m.getItem("a")).toBeNull();
    m.setItem("b", "2");
    m.clear();
    expect(m.size).toBe(0);
  });
});

describe("Auth against a fake Cognito", () => {
  it("a wrong password is one sentence, and nothing touches localStorage", async () => {
    const calls = fakeCognito((target) => {
      if (target === "InitiateAuth") {
        return {
          status: 200,
          body: {
            ChallengeName: "PASSWORD_VERIFIER",
            ChallengeParameters: {
              SALT: "abcdef0123456789",
              SRP_B: "9".repeat(256),
              SECRET_BLOCK: "c2VjcmV0",
              USER_ID_FOR_SRP: "sub-1",
              USERNAME: "sub-1",
            },
          },
        };
      }
      return { status: 400, body: { __type: "NotAuthorizedException", message: "Incorrect username or password." } };
    });
    const store = new MapStore();
    const auth = new Auth(CONFIG, API, new SessionKeeper(store));
    const err = await auth.signIn(" Ada@Example.com ", "wrong-pass").catch((e: unknown) => e);
    expect((err as Error).message).toBe("The email or the password is not right. Check both, or reset the password.");
    expect(calls.map((c) => c.target)).toEqual(["InitiateAuth", "RespondToAuthChallenge"]);
    expect((calls[0]?.body.AuthParameters as Record<string, string>).USERNAME).toBe("ada@example.com");
    expect(calls[0]?.body.AuthFlow).toBe("USER_SRP_AUTH");
    expect(JSON.stringify(calls)).not.toContain("wrong-pass");
    expect(auth.user()).toBeNull();
    expect(store.m.size).toBe(0);
    expect(localWrites).toEqual([]);
  });

  it("after a reload, the kept refresh token signs in again (tokens in memory only)", async () => {
    let n = 0;
    const calls = fakeCognito((target, body) => {
      expect(target).toBe("InitiateAuth");
      expect(body.AuthFlow).toBe("REFRESH_TOKEN_AUTH");
      n++;
      return { status: 200, body: { AuthenticationResult: { AccessToken: access(n), IdToken: idTok(), ExpiresIn: 3600 } } };
    });
    const store = new MapStore();
    new SessionKeeper(store).save(API, "ada@example.com", "refresh-1");
    const auth = new Auth(CONFIG, API, new SessionKeeper(store));
    const user = await auth.restore();
    expect(user).toEqual({ email: "ada@example.com", sub: "sub-1" });
    expect(auth.accessToken()).toBe(access(1));
    expect(calls).toHaveLength(1);
    expect((calls[0]?.body.AuthParameters as Record<string, string>).REFRESH_TOKEN).toBe("refresh-1");
    // sessionStorage holds only the refresh token, never the access or ID token
    const kept = store.getItem(SESSION_KEY) ?? "";
    expect(kept).toContain("refresh-1");
    expect(kept).not.toContain(access(1).split(".")[1] ?? "x");
    expect(localWrites).toEqual([]);
    // the API client's refresh on a 401
    await expect(auth.refresh()).resolves.toBe(true);
    expect(auth.accessToken()).toBe(access(2));
  });

  it("a refused kept token (revoked, signed out everywhere) is forgotten: signed out, one request, no retries", async () => {
    const calls = fakeCognito(() => ({ status: 400, body: { __type: "NotAuthorizedException", message: "Refresh Token has been revoked" } }));
    const store = new MapStore();
    new SessionKeeper(store).save(API, "ada@example.com", "refresh-1");
    const auth = new Auth(CONFIG, API, new SessionKeeper(store));
    await expect(auth.restore()).resolves.toBeNull();
    expect(calls).toHaveLength(1);
    expect(store.getItem(SESSION_KEY)).toBeNull();
  });

  it("a busy or unreachable Cognito at reload keeps the kept token for Try again", async () => {
    fakeCognito(() => ({ status: 400, body: { __type: "TooManyRequestsException", message: "Rate exceeded" } }));
    const store = new MapStore();
    new SessionKeeper(store).save(API, "ada@example.com", "refresh-1");
    const auth = new Auth(CONFIG, API, new SessionKeeper(store));
    await expect(auth.restore()).rejects.toThrow("The server is busy with too many requests. Try again in a minute.");
    expect(store.getItem(SESSION_KEY)).toContain("refresh-1");
    vi.stubGlobal("fetch", vi.fn(async () => { throw new TypeError("Failed to fetch"); }));
    await expect(auth.restore()).rejects.toThrow("You are offline or the server cannot be reached.");
    expect(store.getItem(SESSION_KEY)).toContain("refresh-1");
  });

  it("sign out forgets every token at once and revokes the refresh token", async () => {
    const calls = fakeCognito((target) =>
      target === "InitiateAuth"
        ? { status: 200, body: { AuthenticationResult: { AccessToken: access(1), IdToken: idTok() } } }
        : { status: 200, body: {} },
    );
    const store = new MapStore();
    new SessionKeeper(store).save(API, "ada@example.com", "refresh-1");
    const auth = new Auth(CONFIG, API, new SessionKeeper(store));
    await auth.restore();
    const seen: Array<string | null> = [];
    auth.onChange((u) => seen.push(u ? u.email : null));
    const done = auth.signOut();
    expect(auth.accessToken()).toBeNull(); // before the revoke answers
    expect(store.getItem(SESSION_KEY)).toBeNull();
    await done;
    expect(seen).toEqual([null]);
    expect(calls.map((c) => c.target)).toEqual(["InitiateAuth", "RevokeToken"]);
    expect(calls[1]?.body).toEqual({ Token: "refresh-1", ClientId: "client1" });
  });

  it("sign out works offline (the token is only forgotten)", async () => {
    let online = true;
    vi.stubGlobal("fetch", vi.fn(async () => {
      if (!online) throw new TypeError("Failed to fetch");
      return new Response(JSON.stringify({ AuthenticationResult: { AccessToken: access(1), IdToken: idTok() } }), { status: 200 });
    }));
    const store = new MapStore();
    new SessionKeeper(store).save(API, "ada@example.com", "refresh-1");
    const auth = new Auth(CONFIG, API, new SessionKeeper(store));
    await auth.restore();
    online = false;
    await expect(auth.signOut()).resolves.toBeUndefined();
    expect(auth.user()).toBeNull();
  });

  it("sessionEnded (401 after a refresh) signs out with the reason for the sign-in page", async () => {
    fakeCognito(() => ({ status: 200, body: { AuthenticationResult: { AccessToken: access(1), IdToken: idTok() } } }));
    const store = new MapStore();
    new SessionKeeper(store).save(API, "ada@example.com", "refresh-1");
    const auth = new Auth(CONFIG, API, new SessionKeeper(store));
    await auth.restore();
    const seen: Array<[string | null, string | null]> = [];
    auth.onChange((u, m) => seen.push([u ? u.email : null, m]));
    auth.sessionEnded("Your session has ended. Sign in again.");
    expect(seen).toEqual([[null, "Your session has ended. Sign in again."]]);
    expect(auth.lastEmail()).toBe("ada@example.com");
    expect(store.getItem(SESSION_KEY)).toBeNull();
  });
});

describe("Auth.needsRefresh", () => {
  it("is true in the last quarter of the token's life (at most its last minute), by the time it arrived", async () => {
    fakeCognito(() => ({ status: 200, body: { AuthenticationResult: { AccessToken: access(1), IdToken: idTok() } } }));
    const store = new MapStore();
    new SessionKeeper(store).save(API, "a@x.org", "r");
    const auth = new Auth(CONFIG, API, new SessionKeeper(store));
    const t0 = Date.now();
    await auth.restore();
    const clock = vi.spyOn(Date, "now");
    clock.mockReturnValue(t0 + 3000_000); // 50 of 60 minutes gone
    expect(auth.needsRefresh()).toBe(false);
    clock.mockReturnValue(t0 + 3545_000); // 55 s left
    expect(auth.needsRefresh()).toBe(true);
    clock.mockRestore();
  });
});
