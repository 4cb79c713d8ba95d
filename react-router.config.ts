import type { Config } from "@react-router/dev/config";

export default {
  appDirectory: "web/app",
  buildDirectory: "web/build",
  ssr: true,
  future: {
    // The server build runs inside the Worker next to the API; the environment API builds it as one file.
    v8_viteEnvironmentApi: true,
    // Loaders read `context` as the plain WebContext object that web/server.ts passes in.
    v8_middleware: false,
    v8_splitRouteModules: false,
    v8_passThroughRequests: false,
    v8_trailingSlashAwareDataRequests: false,
  },
} satisfies Config;
