// One point's average RTT (with its min–max band) and loss over the phase, its outages shaded, and the
// time it was not observed in grey (monitor gaps, and no measurement at all, e.g. before monitoring
// began): the 10 s rollups fetched for the phase window, binned as the point detail does.
import { useEffect, useMemo, useState } from 'react';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceArea,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { ReportOutage, ReportPoint } from '../../../../shared/report';
import type { Sample } from '../../../../shared/schemas';
import { formatDateTimeSec, formatTime } from '../../../../shared/time';
import {
  buildSeries,
  gapBands,
  OUTAGE_FILL,
  outageBands,
  silenceBands,
  timeTicks,
  type ChartRange,
} from '../../lib/chartData';
import { api } from '../../live/api';
import { useI18n } from '../../i18n/context';
import { targetId } from '../../../../shared/targets';

/** The "unknown" grey of the tiles. */
const UNKNOWN_FILL = '#7D838C';

type Loaded = { kind: 'loading' } | { kind: 'ready'; samples: Sample[] } | { kind: 'error'; message: string };

export function PointTimeline({
  point,
  outages,
  gaps,
  range,
  now,
}: {
  point: ReportPoint;
  outages: readonly ReportOutage[];
  /** The monitor's recorded gaps (the report's `gaps`). */
  gaps: readonly { from: string; to: string }[];
  range: ChartRange;
  now: number;
}) {
  const { t } = useI18n();
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  useEffect(() => {
    // Keyed by point and range: a new chart starts as loading, and only the answer changes the state.
    const c = new AbortController();
    api
      .samples(point.code, range.from, range.to, c.signal)
      .then((samples) => setLoaded({ kind: 'ready', samples }))
      .catch((err: unknown) => {
        if (!c.signal.aborted) setLoaded({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
      });
    return () => c.abort();
  }, [point.code, range.from, range.to]);
  // The primary line's rollups; a report stored before targets had ids names only its host.
  const line = point.target ?? (point.host ? targetId({ kind: 'icmp', host: point.host }) : null);
  const series = useMemo(
    () => (loaded.kind === 'ready' && line ? buildSeries(loaded.samples, line, range, 480) : []),
    [loaded, line, range],
  );
  const mine = useMemo(() => outages.filter((o) => o.point === point.code), [outages, point.code]);
  const bands = useMemo(() => outageBands(mine, range, now), [mine, range, now]);
  const ticks = useMemo(() => timeTicks(range), [range]);
  const grey = useMemo(
    () => [
      ...gapBands(gaps, range),
      ...(loaded.kind === 'ready' && line ? silenceBands(loaded.samples, line, gaps, range, now) : []),
    ],
    [gaps, range, loaded, line, now],
  );
  const xAxis = (
    <XAxis
      dataKey="t"
      type="number"
      scale="time"
      domain={[range.from, range.to]}
      allowDataOverflow
      ticks={ticks}
      tickFormatter={(v: number) => formatTime(v).slice(0, 5)}
      fontSize={12}
    />
  );
  const shading = [
    ...grey.map((g) => (
      <ReferenceArea
        key={g.key}
        className="unobserved-band"
        x1={g.x1}
        x2={g.x2}
        fill={UNKNOWN_FILL}
        fillOpacity={0.3}
        ifOverflow="hidden"
      />
    )),
    ...bands.map((b) => (
      <ReferenceArea key={b.id} x1={b.x1} x2={b.x2} fill={OUTAGE_FILL[b.type]} fillOpacity={0.2} ifOverflow="hidden" />
    )),
  ];
  const num = (v: unknown): string =>
    typeof v === 'number'
      ? v.toLocaleString(t.locale, { maximumFractionDigits: 2 })
      : Array.isArray(v)
        ? v.map(num).join(' – ')
        : String(v);
  return (
    <div className="rp-point-chart" data-testid="point-timeline" data-point={point.code}>
      <h4>
        {point.name} <span className="muted">({point.unitName})</span>
      </h4>
      {loaded.kind === 'loading' && <p className="muted">{t.report.charts.loadingSamples}</p>}
      {loaded.kind === 'error' && <p className="error">{`${t.errors.load}: ${loaded.message}`}</p>}
      {loaded.kind === 'ready' && series.length === 0 && <p className="muted">{t.report.charts.noSamples}</p>}
      {grey.length > 0 && (
        <p className="muted chart-gaps" data-testid="timeline-unobserved" data-count={grey.length}>
          <span className="legend-gap" /> {t.report.charts.unobserved(grey.length)}
        </p>
      )}
      <p className="chart-label">
        <strong>{t.report.charts.rtt}</strong>
      </p>
      <ResponsiveContainer width="100%" height={170}>
        <ComposedChart data={series} margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#d0d4da" />
          {xAxis}
          <YAxis fontSize={12} width={48} />
          {shading}
          <Area
            dataKey="band"
            stroke="none"
            fill="#56B4E9"
            fillOpacity={0.35}
            isAnimationActive={false}
            connectNulls={false}
          />
          <Line
            dataKey="avg"
            stroke="#0072B2"
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
            connectNulls={false}
          />
          <Tooltip labelFormatter={(v) => formatDateTimeSec(Number(v))} formatter={(v) => num(v)} />
        </ComposedChart>
      </ResponsiveContainer>
      <p className="chart-label">
        <strong>{t.report.charts.loss}</strong>
      </p>
      <ResponsiveContainer width="100%" height={110}>
        <ComposedChart data={series} margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#d0d4da" />
          {xAxis}
          <YAxis fontSize={12} width={48} domain={[0, 100]} />
          {shading}
          <Area
            dataKey="loss"
            type="stepAfter"
            stroke="#D55E00"
            fill="#D55E00"
            fillOpacity={0.3}
            isAnimationActive={false}
            connectNulls={false}
          />
          <Tooltip labelFormatter={(v) => formatDateTimeSec(Number(v))} formatter={(v) => num(v)} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
