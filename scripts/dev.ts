/**
 * `npm run dev`: the whole platform on http://127.0.0.1:8787 with demo data, the dev mailbox at
 * /dev/mail, and the daily cron fired at its real time (22:00 UTC) through wrangler's test route.
 */
import { buildWeb, startPlatform } from "./platform.ts";

const port = Number(process.env.PORT ?? 8787);
await buildWeb();
const platform = await startPlatform({ port, inheritOutput: true });

function scheduleCron() {
  const now = new Date();
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 22, 0, 0));
  if (next <= now) next.setUTCDate(next.getUTCDate() + 1);
  setTimeout(async () => {
    const response = await fetch(
      `${platform.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("0 22 * * *")}`,
    ).catch(() => null);
    console.log(`cron 0 22 * * * fired: ${response?.status ?? "unreachable"}`);
    scheduleCron();
  }, next.getTime() - now.getTime());
}
scheduleCron();

console.log(`
  ATAS is running at ${platform.url}
    web app          ${platform.url}/
    dev mailbox      ${platform.url}/dev/mail
    API document     ${platform.url}/openapi.json
    fire the cron    curl '${platform.url}/cdn-cgi/handler/scheduled?cron=0+22+*+*+*'
  Demo logins (password atas-demo-2026): student01@siswa.um.edu.my, aisyah.rahman@experts.atas.dev,
    club.computing@siswa.um.edu.my, admin@atas.dev
`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    await platform.stop();
    process.exit(0);
  });
}
