/** What the API accepts for a note image (see worker/src/link/notes/services/note-images.ts). */
export const NOTE_IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"];
export const NOTE_IMAGE_MAX_BYTES = 5 * 1024 * 1024;
export const NOTE_DISPLAY_MAX_BYTES = 500 * 1024;
export const NOTE_IMAGES_MAX = 9;
/** The display version's longest side: sharp on a phone, a fraction of a camera photo's bytes. */
export const DISPLAY_MAX_SIDE = 1080;
const QUALITIES = [0.85, 0.75, 0.62, 0.5, 0.4];

function encode(canvas: HTMLCanvasElement, type: string, quality: number): Promise<Blob | null> {
  return new Promise((resolve) => canvas.toBlob(resolve, type, quality));
}

/**
 * The display version of a photo, made in the browser: at most 1080px on its longest side, WebP
 * (JPEG where the browser cannot write WebP), lowering quality until it fits in 500 KB. Null when
 * the original can serve as its own display version: a small GIF keeps its animation that way.
 * Throws when the browser cannot decode the file as an image.
 */
export async function displayVersion(file: File): Promise<Blob | null> {
  if (file.type === "image/gif" && file.size <= NOTE_DISPLAY_MAX_BYTES) return null;
  const bitmap = await createImageBitmap(file);
  try {
    const scale = Math.min(1, DISPLAY_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && file.size <= NOTE_DISPLAY_MAX_BYTES && file.type !== "image/gif") return null;
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const context = canvas.getContext("2d");
    if (!context) throw new Error("no 2d canvas");
    // JPEG has no transparency: paint it white rather than black.
    context.fillStyle = "#fff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    for (const type of ["image/webp", "image/jpeg"]) {
      for (const quality of QUALITIES) {
        const blob = await encode(canvas, type, quality);
        // A browser that cannot write the type hands back PNG instead: try the next type.
        if (!blob || blob.type !== type) break;
        if (blob.size <= NOTE_DISPLAY_MAX_BYTES) return blob;
      }
    }
    throw new Error("could not fit the display version in 500 KB");
  } finally {
    bitmap.close();
  }
}
