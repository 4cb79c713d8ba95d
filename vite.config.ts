import { reactRouter } from "@react-router/dev/vite";
import { defineConfig } from "vite";

/**
 * The server build is imported by the Worker (wrangler.toml aliases `atas-web-build` to it), so it
 * must be one self-contained ES module for workerd: every dependency bundled, resolved with the
 * worker/browser export conditions (react-dom/server then picks its web-streams build), and no
 * Node built-ins.
 */
const WORKER_CONDITIONS = ["workerd", "worker", "browser"];

export default defineConfig({
  plugins: [reactRouter()],
  resolve: { alias: { "~": new URL("./web/app", import.meta.url).pathname } },
  ssr: { target: "webworker" },
  environments: {
    ssr: {
      resolve: {
        noExternal: true,
        conditions: WORKER_CONDITIONS,
        externalConditions: WORKER_CONDITIONS,
        builtins: [],
      },
      build: { target: "es2023" },
    },
  },
});
