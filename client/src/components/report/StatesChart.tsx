// Points up / degraded / down / unknown over the phase, stacked (Recharts).
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Timeline } from '../../../../shared/report';
import { formatDateTimeSec, formatTime } from '../../../../shared/time';
import { timeTicks } from '../../lib/chartData';
import { useI18n } from '../../i18n/context';

export const STATE_FILL = { up: '#009E73', degraded: '#E69F00', down: '#D55E00', unknown: '#BBBBBB' } as const;

export function StatesChart({ timeline, from, to }: { timeline: Timeline; from: number; to: number }) {
  const { t } = useI18n();
  const f = t.report.figures;
  const names = { up: f.up, degraded: f.degraded, down: f.down, unknown: f.unknown };
  return (
    <figure className="rp-chart" data-testid="chart-states">
      <figcaption>{t.report.charts.states}</figcaption>
      <ResponsiveContainer width="100%" height={220}>
        <AreaChart data={timeline.rows} margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#d0d4da" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={[from, to]}
            ticks={timeTicks({ from, to })}
            tickFormatter={(v: number) => formatTime(v).slice(0, 5)}
            fontSize={12}
          />
          <YAxis fontSize={12} width={44} allowDecimals={false} />
          {(['up', 'degraded', 'down', 'unknown'] as const).map((k) => (
            <Area
              key={k}
              dataKey={k}
              name={names[k]}
              stackId="states"
              type="stepAfter"
              stroke="none"
              fill={STATE_FILL[k]}
              fillOpacity={0.9}
              isAnimationActive={false}
            />
          ))}
          <Tooltip
            labelFormatter={(v) => formatDateTimeSec(Number(v))}
            formatter={(v) =>
              typeof v === 'number' ? v.toLocaleString(t.locale, { maximumFractionDigits: 1 }) : String(v)
            }
          />
        </AreaChart>
      </ResponsiveContainer>
    </figure>
  );
}
