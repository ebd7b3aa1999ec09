// [PH5] The committed web-app icons are what scripts/icons.ts draws: regenerated, byte for byte the
// same, so nobody edits a PNG by hand and lets it drift from its SVG source.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drawIcon, encodePng, iconSvg, ICON_SIZES, PUBLIC_DIR } from '../../../scripts/icons';

describe('web-app icons', () => {
  it('[PH5] client/public holds the icons scripts/icons.ts draws, at their sizes', () => {
    for (const size of ICON_SIZES) {
      const committed = readFileSync(join(PUBLIC_DIR, `icon-${size}.png`));
      expect(committed.equals(encodePng(size, drawIcon(size)))).toBe(true);
      expect([committed.readUInt32BE(16), committed.readUInt32BE(20)]).toEqual([size, size]);
    }
    expect(readFileSync(join(PUBLIC_DIR, 'icon.svg'), 'utf8')).toBe(iconSvg());
  });

  it('draws a green square with white on it and transparent corners', () => {
    const px = drawIcon(64);
    const at = (x: number, y: number) => [...px.subarray((y * 64 + x) * 4, (y * 64 + x) * 4 + 4)];
    expect(at(0, 0)[3]).toBe(0);
    expect(at(32, 56)).toEqual([0x00, 0x9e, 0x73, 255]);
    // The top point of the arch.
    expect(at(32, 27)).toEqual([255, 255, 255, 255]);
  });
});
