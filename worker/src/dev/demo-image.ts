/**
 * Pictures for the demo notes, drawn here so the seed needs no files: a soft two-colour gradient
 * with a few translucent discs, encoded as a real PNG (zlib through CompressionStream, CRC-32 per
 * chunk), so the upload checks and the masonry layout see the same thing a phone photo gives them.
 */

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

type Rgb = [number, number, number];

export interface DemoPicture {
  width: number;
  height: number;
  /** Gradient from top-left to bottom-right. */
  from: Rgb;
  to: Rgb;
  /** A seed for where the discs fall. */
  seed: number;
}

/** An 8-bit RGB PNG of the picture. */
export async function demoPng({ width, height, from, to, seed }: DemoPicture): Promise<Uint8Array> {
  let state = seed || 1;
  const rand = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const discs = Array.from({ length: 4 }, () => ({
    x: rand() * width,
    y: rand() * height,
    r: (0.12 + rand() * 0.25) * Math.min(width, height),
    light: rand() > 0.5,
  }));
  const stride = width * 3 + 1;
  const raw = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    raw[y * stride] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const t = (x / width + y / height) / 2;
      let rgb = from.map((f, i) => f + ((to[i] ?? f) - f) * t);
      for (const disc of discs) {
        const d = Math.hypot(x - disc.x, y - disc.y);
        if (d < disc.r) {
          const alpha = 0.28 * (1 - d / disc.r) ** 0.5;
          rgb = rgb.map((v) => v + ((disc.light ? 255 : 0) - v) * alpha);
        }
      }
      const at = y * stride + 1 + x * 3;
      raw[at] = rgb[0] ?? 0;
      raw[at + 1] = rgb[1] ?? 0;
      raw[at + 2] = rgb[2] ?? 0;
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, adaptive filters, no interlace
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", await deflate(raw)),
    chunk("IEND", new Uint8Array()),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
