// The report's charts drawn as vector paths in the PDF (no raster, no browser): points per state
// over a phase, availability by unit, and one point's RTT and loss with its outages shaded. Colours
// are the dashboard's (Okabe–Ito, readable by colour-blind readers and in grey print).
import type PDFDocument from 'pdfkit';
import type { Timeline } from '../../shared/report';
import { VN_OFFSET_MS, formatTime } from '../../shared/time';

type Doc = InstanceType<typeof PDFDocument>;

export const COLORS = {
  up: '#009E73',
  degraded: '#E69F00',
  down: '#D55E00',
  unknown: '#BBBBBB',
  rtt: '#0072B2',
  loss: '#D55E00',
  grid: '#D0D4DA',
  axis: '#444444',
} as const;

export interface ChartFonts {
  regular: string;
  bold: string;
}

interface Frame {
  x: (v: number) => number;
  y: (v: number) => number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Round numbers for an axis from 0 to at least `max`. */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return ticks;
}

const STEPS_MIN = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];

/** Wall-clock ticks (Asia/Ho_Chi_Minh) across [from, to]. */
export function timeTicks(from: number, to: number, max = 7): number[] {
  const span = to - from;
  const stepMin = STEPS_MIN.find((m) => span / (m * 60_000) <= max) ?? 1440;
  const step = stepMin * 60_000;
  const out: number[] = [];
  for (let t = Math.ceil((from + VN_OFFSET_MS) / step) * step - VN_OFFSET_MS; t <= to; t += step) out.push(t);
  return out;
}

function frame(
  doc: Doc,
  f: ChartFonts,
  box: { x: number; y: number; w: number; h: number },
  xr: [number, number],
  yTicks: number[],
  fmtY: (v: number) => string,
): Frame {
  const left = box.x + 34;
  const right = box.x + box.w - 4;
  const top = box.y + 4;
  const bottom = box.y + box.h - 14;
  const yMax = yTicks[yTicks.length - 1] ?? 1;
  const x = (v: number): number => left + ((v - xr[0]) / Math.max(1, xr[1] - xr[0])) * (right - left);
  const y = (v: number): number => bottom - (v / (yMax || 1)) * (bottom - top);
  doc.save().lineWidth(0.4).strokeColor(COLORS.grid);
  doc.font(f.regular).fontSize(6.5).fillColor(COLORS.axis);
  for (const v of yTicks) {
    doc.moveTo(left, y(v)).lineTo(right, y(v)).stroke();
    doc.text(fmtY(v), box.x, y(v) - 3, { width: 30, align: 'right', lineBreak: false });
  }
  for (const t of timeTicks(xr[0], xr[1])) {
    doc.moveTo(x(t), top).lineTo(x(t), bottom).stroke();
    doc.text(formatTime(t).slice(0, 5), x(t) - 15, bottom + 3, { width: 30, align: 'center', lineBreak: false });
  }
  doc.lineWidth(0.6).strokeColor(COLORS.axis).moveTo(left, top).lineTo(left, bottom).lineTo(right, bottom).stroke();
  doc.restore();
  return { x, y, left, right, top, bottom };
}

export function legend(doc: Doc, f: ChartFonts, x: number, y: number, items: [string, string][]): void {
  doc.save().font(f.regular).fontSize(7.5);
  let cx = x;
  for (const [color, label] of items) {
    doc.rect(cx, y + 1, 8, 8).fill(color);
    doc.fillColor('#000000').text(label, cx + 11, y, { lineBreak: false });
    cx += 11 + doc.widthOfString(label) + 12;
  }
  doc.restore();
}

/** Points up / degraded / down / unknown over a phase, stacked. */
export function statesChart(
  doc: Doc,
  f: ChartFonts,
  box: { x: number; y: number; w: number; h: number },
  t: Timeline,
  points: number,
  range: [number, number],
): void {
  const fr = frame(doc, f, box, range, niceTicks(points), (v) => String(v));
  const layers = [
    ['up', COLORS.up],
    ['degraded', COLORS.degraded],
    ['down', COLORS.down],
    ['unknown', COLORS.unknown],
  ] as const;
  const base = t.rows.map(() => 0);
  for (const [key, color] of layers) {
    const top = t.rows.map((r, i) => base[i]! + r[key]);
    if (top.some((v, i) => v > base[i]!)) {
      doc.save();
      t.rows.forEach((r, i) => {
        const x1 = fr.x(r.t);
        const x2 = fr.x(Math.min(range[1], r.t + t.stepMs));
        if (i === 0) doc.moveTo(x1, fr.y(top[i]!));
        else doc.lineTo(x1, fr.y(top[i]!));
        doc.lineTo(x2, fr.y(top[i]!));
      });
      for (let i = t.rows.length - 1; i >= 0; i--) {
        const r = t.rows[i]!;
        doc.lineTo(fr.x(Math.min(range[1], r.t + t.stepMs)), fr.y(base[i]!));
        doc.lineTo(fr.x(r.t), fr.y(base[i]!));
      }
      doc.closePath().fill(color).restore();
    }
    top.forEach((v, i) => (base[i] = v));
  }
}

export interface Bar {
  label: string;
  up: number;
  degraded: number;
  down: number;
  unknown: number;
}

/** Horizontal 100 % bars: the share of time in each state, one bar per unit. */
export function barsChart(doc: Doc, f: ChartFonts, x: number, y: number, w: number, bars: Bar[]): number {
  const labelW = Math.min(170, w * 0.34);
  const valueW = 44;
  const barW = w - labelW - valueW - 8;
  const rowH = 13;
  doc.save();
  bars.forEach((b, i) => {
    const cy = y + i * rowH;
    doc.font(f.regular).fontSize(7.5).fillColor('#000000');
    doc.text(b.label, x, cy + 2, { width: labelW - 4, height: rowH, ellipsis: true, lineBreak: false });
    let cx = x + labelW;
    for (const [v, color] of [
      [b.up, COLORS.up],
      [b.degraded, COLORS.degraded],
      [b.down, COLORS.down],
      [b.unknown, COLORS.unknown],
    ] as const) {
      const bw = (Math.max(0, v) / 100) * barW;
      if (bw > 0) doc.rect(cx, cy + 2, bw, rowH - 4).fill(color);
      cx += bw;
    }
    doc.fillColor('#000000').text(`${b.up.toFixed(2).replace('.', ',')} %`, x + labelW + barW + 4, cy + 2, {
      width: valueW,
      align: 'right',
      lineBreak: false,
    });
  });
  doc.restore();
  return y + bars.length * rowH;
}

export interface SeriesPoint {
  t: number;
  rtt: number | null;
  loss: number | null;
}

/** One point's average RTT (line) and loss (area) over a phase, its outages shaded. */
export function pointChart(
  doc: Doc,
  f: ChartFonts,
  box: { x: number; y: number; w: number; h: number },
  series: SeriesPoint[],
  bands: { from: number; to: number; type: 'down' | 'severe' }[],
  range: [number, number],
): void {
  const rttH = box.h * 0.58;
  const maxRtt = Math.max(1, ...series.map((s) => s.rtt ?? 0));
  const rttFrame = frame(doc, f, { ...box, h: rttH }, range, niceTicks(maxRtt, 3), (v) => `${v}`);
  const lossFrame = frame(
    doc,
    f,
    { ...box, y: box.y + rttH + 4, h: box.h - rttH - 4 },
    range,
    [0, 50, 100],
    (v) => `${v}%`,
  );
  for (const fr of [rttFrame, lossFrame]) {
    for (const b of bands) {
      const x1 = fr.x(Math.max(range[0], b.from));
      const x2 = Math.max(x1 + 0.8, fr.x(Math.min(range[1], b.to)));
      doc
        .save()
        .rect(x1, fr.top, x2 - x1, fr.bottom - fr.top)
        .fillOpacity(b.type === 'down' ? 0.22 : 0.16)
        .fill(b.type === 'down' ? COLORS.down : COLORS.degraded)
        .restore();
    }
  }
  doc.save().lineWidth(0.9).strokeColor(COLORS.rtt);
  let pen = false;
  for (const s of series) {
    if (s.rtt === null) {
      pen = false;
      continue;
    }
    const px = rttFrame.x(s.t);
    const py = rttFrame.y(s.rtt);
    if (pen) doc.lineTo(px, py);
    else doc.moveTo(px, py);
    pen = true;
  }
  doc.stroke().restore();
  doc.save().fillColor(COLORS.loss).fillOpacity(0.55);
  for (let i = 0; i < series.length; i++) {
    const s = series[i]!;
    if (!s.loss) continue;
    const next = series[i + 1]?.t ?? s.t + 10_000;
    const x1 = lossFrame.x(s.t);
    const x2 = Math.max(x1 + 0.5, lossFrame.x(next));
    doc.rect(x1, lossFrame.y(s.loss), x2 - x1, lossFrame.bottom - lossFrame.y(s.loss)).fill();
  }
  doc.restore();
}
