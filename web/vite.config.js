// @ts-check
// Builds the control UI (web/src) into web/dist, which `sipwright serve` serves at /. Everything is bundled: the
// page loads no font, script or style from anywhere but its own server.
import { defineConfig } from "vite";

export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  logLevel: "warn",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 400 },
});
