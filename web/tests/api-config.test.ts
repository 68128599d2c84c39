import { describe, expect, it } from "vitest";
import { ApiError, OfflineError, discoverApiBase, loadServerConfig, type FetchLike } from "../src/api/client";

const PAGE = "https://web.example.com/app/index.html#/week/2026-12-03";

function answering(map: Record<string, Response | Error>): { fetch: FetchLike; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    fetch: async (url) => {
      asked.push(url);
      const a = map[url];
      if (!a) return new Response("not found", { status: 404 });
      if (a instanceof Error) throw a;
      return a;
    },
  };
}

const CONFIG = {
  api_version: "1",
  region: "eu-west-1",
  user_pool_id: "eu-west-1_abc",
  client_id: "client123",
  cognito_endpoint: "https://cognito-idp.eu-west-1.amazonaws.com",
  password_policy: { min_length: 10, require_lowercase: true, require_uppercase: true, require_numbers: true, require_symbols: false },
};

describe("where the API is", () => {
  it("uses config.json next to index.html when it names api_url", async () => {
    const { fetch, asked } = answering({
      "https://web.example.com/app/config.json": Response.json({ api_url: "https://api.example.com/" }),
    });
    await expect(discoverApiBase(PAGE, fetch)).resolves.toBe("https://api.example.com");
    expect(asked).toEqual(["https://web.example.com/app/config.json"]);
  });

  it("falls back to the page's own origin when config.json is absent (404)", async () => {
    const { fetch } = answering({});
    await expect(discoverApiBase("http://127.0.0.1:8123/app/", fetch)).resolves.toBe("http://127.0.0.1:8123");
  });

  it("refuses a config.json without a usable api_url instead of guessing", async () => {
    const { fetch } = answering({ "https://web.example.com/app/config.json": Response.json({ api_url: "javascript:alert(1)" }) });
    await expect(discoverApiBase(PAGE, fetch)).rejects.toThrow("This site's config.json has no valid api_url.");
  });

  it("says offline when config.json cannot be fetched at all", async () => {
    const { fetch } = answering({ "https://web.example.com/app/config.json": new TypeError("Failed to fetch") });
    await expect(discoverApiBase(PAGE, fetch)).rejects.toBeInstanceOf(OfflineError);
  });

  it("GET {api}/config gives the pool, the client, the endpoint and the password rules", async () => {
    const { fetch, asked } = answering({ "https://api.example.com/config": Response.json(CONFIG) });
    const cfg = await loadServerConfig("https://api.example.com", fetch);
    expect(asked).toEqual(["https://api.example.com/config"]);
    expect(cfg.cognito_endpoint).toBe(CONFIG.cognito_endpoint);
    expect(cfg.password_policy.min_length).toBe(10);
  });

  it("a /config that is not Aurora's is said, not half-used", async () => {
    const { fetch } = answering({ "https://api.example.com/config": Response.json({ hello: "world" }) });
    await expect(loadServerConfig("https://api.example.com", fetch)).rejects.toThrow(/not Aurora's/);
  });

  it("a /config error answer is an ApiError", async () => {
    const { fetch } = answering({
      "https://api.example.com/config": new Response(JSON.stringify({ title: "Too many requests", status: 429 }), { status: 429 }),
    });
    const e = await loadServerConfig("https://api.example.com", fetch).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(429);
  });
});
