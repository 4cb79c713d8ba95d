import { useT } from "~/lib/root-data";
import { DevMailboxHint } from "./dev-mailbox-hint";
import { Notice } from "./notice";

/** "Check your e-mail", after any form whose answer arrives by mail. */
export function MailSent({ testId, text }: { testId: string; text: string }) {
  const t = useT();
  return (
    <section className="card narrow">
      <Notice tone="success" testId={testId}>
        <h1>{t("register.doneTitle")}</h1>
        <p>{text}</p>
      </Notice>
      <DevMailboxHint />
    </section>
  );
}
