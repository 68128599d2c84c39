/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import preact from "@preact/preset-vite";

// The same build is served at /app/ by the local stack and at / by CloudFront:
// relative URLs (base './'). Nothing is fetched from a CDN at run time.
export default defineConfig({
  base: "./",
  plugins: [preact()],
  // amazon-cognito-identity-js (through the `buffer` package) reads `global`.
  define: { global: "globalThis" },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
  },
  test: {
    environment: "node",
    include: ["tests/**/*.test.ts", "tests/**/*.test.tsx"],
  },
});
