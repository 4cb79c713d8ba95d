import { useNavigation } from "react-router";

/** True while this page submits the form whose `intent` is this one (pages with several forms). */
export function useIntentBusy(intent: string): boolean {
  const navigation = useNavigation();
  return navigation.state === "submitting" && navigation.formData?.get("intent") === intent;
}
