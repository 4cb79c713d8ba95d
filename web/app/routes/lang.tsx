import { redirect } from "react-router";
import { formText, safeRedirect } from "~/lib/forms";
import { isLang, langCookie } from "~/lib/i18n";
import type { Route } from "./+types/lang";

export function loader() {
  return redirect("/");
}

/** The EN / 中文 toggle: remembers the choice in the `lang` cookie and returns to the page it was pressed on. */
export async function action({ request }: Route.ActionArgs) {
  const form = await request.formData();
  const lang = formText(form, "lang");
  const to = safeRedirect(formText(form, "redirectTo"));
  if (!isLang(lang)) return redirect(to);
  return redirect(to, { headers: { "set-cookie": langCookie(lang) } });
}
