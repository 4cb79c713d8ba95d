import { type KeyboardEvent, useRef, useState } from "react";
import type { NoteImage } from "~/lib/api-types";
import { useT } from "~/lib/root-data";
import { useHydrated } from "~/lib/use-hydrated";

/** A size to reserve when the API could not read an image's dimensions. */
const FALLBACK_SIDE = 1080;

/**
 * The note's photos side by side in a scroll-snapping strip: swipe on a phone, arrows and dots
 * with a mouse, ←/→ on the focused strip. Without JavaScript the strip still scrolls and snaps.
 * Each image carries its width and height, so the page does not jump as they load.
 */
export function NoteCarousel({ images, title }: { images: NoteImage[]; title: string }) {
  const t = useT();
  const hydrated = useHydrated();
  const track = useRef<HTMLUListElement>(null);
  const [current, setCurrent] = useState(0);
  const total = images.length;

  function go(index: number) {
    const strip = track.current;
    if (!strip) return;
    const target = Math.max(0, Math.min(total - 1, index));
    strip.scrollTo({ left: target * strip.clientWidth, behavior: "smooth" });
    setCurrent(target);
  }

  function onScroll() {
    const strip = track.current;
    if (!strip || strip.clientWidth === 0) return;
    setCurrent(Math.round(strip.scrollLeft / strip.clientWidth));
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === "ArrowLeft") go(current - 1);
    else if (event.key === "ArrowRight") go(current + 1);
    else if (event.key === "Home") go(0);
    else if (event.key === "End") go(total - 1);
    else return;
    event.preventDefault();
  }

  return (
    <section
      className="carousel"
      aria-roledescription="carousel"
      aria-label={t("note.photos")}
      data-testid="note-carousel"
    >
      <ul
        ref={track}
        className="carousel-track"
        // Focusable so the keyboard can scroll it; the arrow keys step one photo at a time.
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
        tabIndex={0}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
      >
        {images.map((image, i) => (
          <li
            key={image.id}
            className="carousel-slide"
            aria-roledescription="slide"
            aria-label={`${i + 1} / ${total}`}
            aria-hidden={hydrated && i !== current ? true : undefined}
          >
            <img
              src={image.displayUrl}
              alt={t("note.imageAlt", { n: i + 1, total, title })}
              width={image.width ?? FALLBACK_SIDE}
              height={image.height ?? FALLBACK_SIDE}
              loading={i === 0 ? "eager" : "lazy"}
              decoding="async"
              data-testid="carousel-image"
            />
          </li>
        ))}
      </ul>
      {hydrated && total > 1 ? (
        <>
          <button
            type="button"
            className="carousel-arrow carousel-prev"
            onClick={() => go(current - 1)}
            disabled={current === 0}
            aria-label={t("note.prevPhoto")}
            data-testid="carousel-prev"
          >
            ‹
          </button>
          <button
            type="button"
            className="carousel-arrow carousel-next"
            onClick={() => go(current + 1)}
            disabled={current === total - 1}
            aria-label={t("note.nextPhoto")}
            data-testid="carousel-next"
          >
            ›
          </button>
          <div className="carousel-dots">
            {images.map((image, i) => (
              <button
                key={image.id}
                type="button"
                className="carousel-dot"
                onClick={() => go(i)}
                aria-label={t("note.goToPhoto", { n: i + 1 })}
                aria-current={i === current}
              />
            ))}
          </div>
        </>
      ) : null}
    </section>
  );
}
