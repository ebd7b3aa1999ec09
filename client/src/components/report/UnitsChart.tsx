// Share of the phase each unit's points were up, degraded, down, unknown: horizontal 100 % bars.
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { UnitBar } from '../../lib/reportView';
import { useI18n } from '../../i18n/context';
import { STATE_FILL } from './StatesChart';

export function UnitsChart({ bars }: { bars: UnitBar[] }) {
  const { t, lang } = useI18n();
  const f = t.report.figures;
  const names = { up: f.up, degraded: f.degraded, down: f.down, unknown: f.unknown };
  const pct = (v: unknown): string =>
    typeof v === 'number'
      ? `${v.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 2 })} %`
      : String(v);
  return (
    <figure className="rp-chart" data-testid="chart-units">
      <figcaption>{t.report.charts.units}</figcaption>
      <ResponsiveContainer width="100%" height={Math.max(120, bars.length * 24 + 40)}>
        <BarChart data={bars} layout="vertical" margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#d0d4da" horizontal={false} />
          {/* The four shares are rounded to 0.01 %: their sum may pass 100 by a hair. */}
          <XAxis
            type="number"
            domain={[0, 100]}
            allowDataOverflow
            ticks={[0, 25, 50, 75, 100]}
            fontSize={12}
            tickFormatter={(v: number) => `${v}%`}
          />
          <YAxis type="category" dataKey="name" width={170} fontSize={12} interval={0} />
          {(['up', 'degraded', 'down', 'unknown'] as const).map((k) => (
            <Bar key={k} dataKey={k} name={names[k]} stackId="share" fill={STATE_FILL[k]} isAnimationActive={false} />
          ))}
          <Tooltip formatter={pct} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
