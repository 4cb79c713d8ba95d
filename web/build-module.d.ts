// The React Router server build, produced by `react-router build` and aliased in wrangler.toml.
declare module "atas-web-build" {
  const build: Record<string, unknown>;
  export = build;
}
