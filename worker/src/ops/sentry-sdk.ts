/**
 * The few parts of @sentry/cloudflare the worker uses, named, so the bundler keeps only these and
 * what they need (the whole package is several times larger). Loaded by ops/sentry.ts only when
 * SENTRY_DSN is set.
 */
export { captureException, captureMessage, setTag, withScope, withSentry } from "@sentry/cloudflare";
