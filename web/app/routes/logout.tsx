import { redirect } from "react-router";
import { apiCall } from "~/lib/api.server";
import type { Route } from "./+types/logout";

/** Signing out changes state, so it happens only on POST; a plain visit goes home. */
export function loader() {
  return redirect("/");
}

export async function action({ request, context }: Route.ActionArgs) {
  // Already signed out (401) ends the same way: home, with the cookie cleared if the API says so.
  const result = await apiCall(context, request, "/api/auth/logout", { method: "POST" });
  return redirect("/", { headers: result.headers });
}
