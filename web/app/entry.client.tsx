import { StrictMode, startTransition } from "react";
import { hydrateRoot } from "react-dom/client";
import { HydratedRouter } from "react-router/dom";
import { langOfHtml, loadLanguage } from "./lib/i18n";

function hydrate() {
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <HydratedRouter />
      </StrictMode>,
    );
  });
}

// The page's language (and only it) is loaded first, so the hydrating render speaks what the server wrote.
loadLanguage(langOfHtml(document.documentElement.lang)).then(hydrate, (error: unknown) => {
  console.error(error);
  hydrate();
});
