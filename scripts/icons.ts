// The web-app icons (client/public/icon-192.png, icon-512.png) and their SVG source (icon.svg), drawn
// from one description so they always agree: a green rounded square, a white bridge arch — the
// connection (cầu) — and three white points on it. No image library: the shapes are signed distances,
// sampled 4×4 per pixel, written as an RGBA PNG with node:zlib. Run: npx tsx scripts/icons.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

export const ICON_SIZES = [192, 512] as const;
const GREEN = [0x00, 0x9e, 0x73] as const;
const WHITE = [0xff, 0xff, 0xff] as const;
// In units of the icon's side.
const CORNER = 0.2;
const ARCH = { cx: 0.5, cy: 0.74, r: 0.32, width: 0.075 };
const DOTS = [
  { x: ARCH.cx - ARCH.r, y: ARCH.cy, r: 0.085 },
  { x: ARCH.cx, y: ARCH.cy - ARCH.r, r: 0.085 },
  { x: ARCH.cx + ARCH.r, y: ARCH.cy, r: 0.085 },
];

function inRoundedSquare(x: number, y: number): boolean {
  const dx = Math.max(CORNER - x, 0, x - (1 - CORNER));
  const dy = Math.max(CORNER - y, 0, y - (1 - CORNER));
  return dx * dx + dy * dy <= CORNER * CORNER;
}

function onArch(x: number, y: number): boolean {
  if (y > ARCH.cy) return false;
  const d = Math.hypot(x - ARCH.cx, y - ARCH.cy);
  return Math.abs(d - ARCH.r) <= ARCH.width / 2;
}

function onDot(x: number, y: number): boolean {
  return DOTS.some((p) => Math.hypot(x - p.x, y - p.y) <= p.r);
}

/** RGBA pixels of the icon at `size` × `size`. */
export function drawIcon(size: number): Uint8Array {
  const px = new Uint8Array(size * size * 4);
  const n = 4;
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      let cover = 0;
      let white = 0;
      for (let sj = 0; sj < n; sj++) {
        for (let si = 0; si < n; si++) {
          const x = (i + (si + 0.5) / n) / size;
          const y = (j + (sj + 0.5) / n) / size;
          if (!inRoundedSquare(x, y)) continue;
          cover++;
          if (onArch(x, y) || onDot(x, y)) white++;
        }
      }
      const o = (j * size + i) * 4;
      const w = cover === 0 ? 0 : white / cover;
      for (let c = 0; c < 3; c++) px[o + c] = Math.round(GREEN[c]! * (1 - w) + WHITE[c]! * w);
      px[o + 3] = Math.round((cover / (n * n)) * 255);
    }
  }
  return px;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, k) => {
  let c = k;
  for (let b = 0; b < 8; b++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An 8-bit RGBA PNG of `size` × `size` pixels. */
export function encodePng(size: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let j = 0; j < size; j++) {
    raw[j * (size * 4 + 1)] = 0; // filter: none
    raw.set(rgba.subarray(j * size * 4, (j + 1) * size * 4), j * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** The same drawing as SVG (the favicon, and the source a designer would start from). */
const hex = (c: readonly number[]) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

export function iconSvg(): string {
  const s = 512;
  const f = (v: number) => Number((v * s).toFixed(2));
  const { cx, cy, r, width } = ARCH;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${s} ${s}">`,
    `<rect width="${s}" height="${s}" rx="${f(CORNER)}" fill="${hex(GREEN)}"/>`,
    `<path d="M${f(cx - r)} ${f(cy)}A${f(r)} ${f(r)} 0 0 1 ${f(cx + r)} ${f(cy)}" fill="none" stroke="${hex(WHITE)}" stroke-width="${f(width)}"/>`,
    ...DOTS.map((p) => `<circle cx="${f(p.x)}" cy="${f(p.y)}" r="${f(p.r)}" fill="${hex(WHITE)}"/>`),
    '</svg>',
    '',
  ].join('\n');
}

export const PUBLIC_DIR = join(import.meta.dirname, '..', 'client', 'public');

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  for (const size of ICON_SIZES) writeFileSync(join(PUBLIC_DIR, `icon-${size}.png`), encodePng(size, drawIcon(size)));
  writeFileSync(join(PUBLIC_DIR, 'icon.svg'), iconSvg());
  process.stdout.write(`icons written to ${PUBLIC_DIR}\n`);
}
