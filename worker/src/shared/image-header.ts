import { ProblemError } from "./errors";

/**
 * What an uploaded image's header says, read before anything is stored. A few hundred KB can
 * claim a canvas that decodes to gigabytes (a decompression bomb for whoever renders it), so the
 * size is read as unsigned and bounded: at most 8192 px a side and 40 megapixels (a 48-MP phone
 * photo must be scaled by the browser first, as the composer does for its display copy).
 */
export const IMAGE_MAX_SIDE = 8192;
export const IMAGE_MAX_PIXELS = 40_000_000;

export type ImageType = "image/png" | "image/jpeg" | "image/webp" | "image/gif";

/** The type comes from the bytes, never from the client's Content-Type. */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  const at = (i: number) => bytes[i] ?? -1;
  if (at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47) return "image/png";
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return "image/jpeg";
  if (at(0) === 0x47 && at(1) === 0x49 && at(2) === 0x46 && at(3) === 0x38) return "image/gif";
  const riff = String.fromCharCode(at(0), at(1), at(2), at(3));
  const webp = String.fromCharCode(at(8), at(9), at(10), at(11));
  if (riff === "RIFF" && webp === "WEBP") return "image/webp";
  return null;
}

/** Pixel size read from the image header (PNG, GIF, WebP, JPEG), unsigned, or null when it cannot be found. */
export function imageSize(bytes: Uint8Array): { width: number; height: number } | null {
  const b = (i: number) => bytes[i] ?? 0;
  const be16 = (i: number) => (b(i) << 8) | b(i + 1);
  // Multiplication, not `<< 24`, which would turn a set top bit into a negative number.
  const be32 = (i: number) => b(i) * 0x1000000 + ((b(i + 1) << 16) | (b(i + 2) << 8) | b(i + 3));
  const le16 = (i: number) => b(i) | (b(i + 1) << 8);
  const le24 = (i: number) => b(i) | (b(i + 1) << 8) | (b(i + 2) << 16);
  const type = sniffImageType(bytes);
  if (type === "image/png" && bytes.byteLength >= 24) return { width: be32(16), height: be32(20) };
  if (type === "image/gif" && bytes.byteLength >= 10) return { width: le16(6), height: le16(8) };
  if (type === "image/webp" && bytes.byteLength >= 30) {
    const chunk = String.fromCharCode(b(12), b(13), b(14), b(15));
    if (chunk === "VP8 ") return { width: le16(26) & 0x3fff, height: le16(28) & 0x3fff };
    if (chunk === "VP8L")
      return {
        width: 1 + (((b(22) & 0x3f) << 8) | b(21)),
        height: 1 + (((b(24) & 0x0f) << 10) | (b(23) << 2) | ((b(22) & 0xc0) >> 6)),
      };
    if (chunk === "VP8X") return { width: 1 + le24(24), height: 1 + le24(27) };
    return null;
  }
  if (type === "image/jpeg") {
    let i = 2;
    while (i + 9 < bytes.byteLength) {
      if (b(i) !== 0xff) return null;
      const marker = b(i + 1);
      // A marker may be preceded by any number of 0xFF fill bytes.
      if (marker === 0xff) {
        i += 1;
        continue;
      }
      // Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) do not.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
        return { width: be16(i + 7), height: be16(i + 5) };
      i += 2 + be16(i + 2);
    }
  }
  return null;
}

/**
 * The image's size, once it is known and within bounds: 415 when the header gives none (nothing
 * unbounded is stored), 413 when it is over. `what` names the form field in the problem.
 */
export function boundedImageSize(bytes: Uint8Array, what: string): { width: number; height: number } {
  const size = imageSize(bytes);
  if (!size || size.width === 0 || size.height === 0)
    throw new ProblemError(415, "Unsupported media type", `The ${what} image's size cannot be read.`, {
      code: "image-size-unknown",
      field: what,
    });
  if (
    size.width > IMAGE_MAX_SIDE ||
    size.height > IMAGE_MAX_SIDE ||
    size.width * size.height > IMAGE_MAX_PIXELS
  )
    throw new ProblemError(
      413,
      "Payload too large",
      `The ${what} image is ${size.width} × ${size.height}; at most ${IMAGE_MAX_SIDE} px a side and ${IMAGE_MAX_PIXELS / 1_000_000} megapixels.`,
      { code: "image-dimensions", field: what, maxSide: IMAGE_MAX_SIDE, maxPixels: IMAGE_MAX_PIXELS },
    );
  return size;
}
