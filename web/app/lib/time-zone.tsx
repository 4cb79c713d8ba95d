import { createContext, type ReactNode, useContext, useEffect, useState } from "react";
import { isTimeZone, TZ_COOKIE } from "./time";

const TimeZoneContext = createContext("UTC");

/**
 * The viewer's time zone. The server renders with the zone of the `tz` cookie (UTC before the
 * browser has ever run a script); after hydration the browser's own zone takes over and is stored
 * in the cookie, so the next server render (and every form without JavaScript) uses it too.
 */
export function TimeZoneProvider({ initial, children }: { initial: string; children: ReactNode }) {
  const [zone, setZone] = useState(initial);
  useEffect(() => {
    const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!isTimeZone(browser)) return;
    if (browser !== initial) {
      // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing from some browsers we serve
      document.cookie = `${TZ_COOKIE}=${encodeURIComponent(browser)}; Path=/; Max-Age=31536000; SameSite=Lax`;
    }
    setZone(browser);
  }, [initial]);
  return <TimeZoneContext.Provider value={zone}>{children}</TimeZoneContext.Provider>;
}

export function useTimeZone(): string {
  return useContext(TimeZoneContext);
}
