// The page itself: nothing from another host, no inline script (the CSP forbids it),
// and the app's own code names no remote URL (the API comes from config.json or the
// page's origin; Cognito from /config).
import { describe, expect, it } from "vitest";
import html from "../index.html?raw";

const sources = import.meta.glob<string>("../src/**/*.{ts,tsx,css}", { query: "?raw", import: "default", eager: true });

describe("index.html and src/", () => {
  it("loads nothing from another host", () => {
    const refs = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1] ?? "");
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) expect(r, r).toMatch(/^(\.\/|data:image\/svg\+xml,)/);
  });

  it("has no inline script", () => {
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      expect(m[1]).toMatch(/\ssrc="/);
      expect((m[2] ?? "").trim()).toBe("");
    }
  });

  it("the app's code fetches no fixed remote URL", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(20);
    for (const [f, raw] of Object.entries(sources)) {
      const text = raw.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, "");
      expect(text, f).not.toMatch(/["'`]https?:\/\/(?!www\.w3\.org\/)/);
    }
  });
});
