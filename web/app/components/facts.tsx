import type { ReactNode } from "react";
import { useT } from "~/lib/root-data";

/** One labelled value inside a `<dl>`. */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** Skills, topics, interests: a list of chips, or "none". */
export function Tags({ items }: { items: string[] }) {
  const t = useT();
  if (!items.length) return <>{t("profile.none")}</>;
  return (
    <ul className="tags">
      {items.map((item) => (
        <li key={item} className="tag">
          {item}
        </li>
      ))}
    </ul>
  );
}
