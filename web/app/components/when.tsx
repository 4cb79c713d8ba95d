import { useT } from "~/lib/root-data";
import { formatDateTime } from "~/lib/time";
import { useTimeZone } from "~/lib/time-zone";

/** An instant in the viewer's zone, the zone named; the machine-readable instant stays in `dateTime`. */
export function When({ iso, zone: named = true }: { iso: string; zone?: boolean }) {
  const t = useT();
  const zone = useTimeZone();
  const text = formatDateTime(iso, zone, t);
  return (
    <time dateTime={iso}>
      {text}
      {named ? <span className="zone"> ({zone})</span> : null}
    </time>
  );
}
