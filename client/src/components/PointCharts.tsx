import { useMemo, useState } from 'react';
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
import { meetingTimes } from '../../../shared/phase';
import type { MeetingView } from '../../../shared/protocol';
import type { Outage } from '../../../shared/schemas';
import type { WirePoint } from '../../../shared/wire';
import { formatDateTime, formatDateTimeSec, formatTime } from '../../../shared/time';
import { buildSeries, OUTAGE_FILL, chartRange, gapBands, outageBands, silenceBands, timeTicks } from '../lib/chartData';
import { useGaps } from '../hooks/useGaps';
import { useSamples } from '../hooks/useSamples';
import { useSession } from '../hooks/useSession';
import { useI18n } from '../i18n/context';

/** The "unknown" grey of the tiles: no monitor ran, so neither up nor down. */
const GAP_FILL = '#7D838C';
const DAY_MS = 86_400_000;

/** RTT (average line, min–max band) and loss over the meeting, outages shaded. Loaded lazily. */
export function PointCharts({
  point,
  meeting,
  outages,
}: {
  point: WirePoint;
  meeting: MeetingView;
  outages: Outage[];
}) {
  const { t, lang } = useI18n();
  const session = useSession();
  const primary = point.targets.find((tg) => tg.role === 'primary') ?? point.targets[0];
  // Charts are of what a rollup holds: any target's latency and answers (the line by default).
  const [target, setTarget] = useState(primary?.id ?? '');
  const times = useMemo(() => meetingTimes(meeting), [meeting]);
  const samples = useSamples(point.code, () => chartRange(times, session.now()));
  // The range moves with each refresh of the samples; before the first one, it is the range asked for.
  const [initialRange] = useState(() => chartRange(times, session.now()));
  const range = samples.kind === 'ready' ? samples.range : initialRange;
  const series = useMemo(
    () => (samples.kind === 'ready' ? buildSeries(samples.samples, target, samples.range) : []),
    [samples, target],
  );
  const bands = useMemo(() => outageBands(outages, range, session.now()), [outages, range, session]);
  const gaps = useGaps(meeting.id);
  const unknown = useMemo(() => gapBands(gaps, range), [gaps, range]);
  // Before the first result (the server had not started), and silences the server did not record.
  const silent = useMemo(
    () => (samples.kind === 'ready' ? silenceBands(samples.samples, target, gaps, range, session.now()) : []),
    [samples, target, gaps, range, session],
  );
  const long = range.to - range.from > DAY_MS / 2;
  const tick = (v: number): string =>
    long ? `${formatDateTime(v).slice(0, 5)} ${formatTime(v).slice(0, 5)}` : formatTime(v).slice(0, 5);
  const ticks = useMemo(() => timeTicks(range), [range]);
  const axisNumber = (v: number): string => v.toLocaleString(t.locale, { maximumFractionDigits: v < 1 ? 2 : 1 });
  const num = (v: unknown): string =>
    typeof v === 'number'
      ? v.toLocaleString(t.locale, { maximumFractionDigits: 2 })
      : Array.isArray(v)
        ? v.map(num).join(' – ')
        : String(v);
  const xAxis = (
    <XAxis
      dataKey="t"
      type="number"
      scale="time"
      domain={[range.from, range.to]}
      allowDataOverflow
      ticks={ticks}
      tickFormatter={tick}
      minTickGap={24}
      fontSize={12}
    />
  );
  const shading = [
    ...silent.map((g) => (
      <ReferenceArea
        key={g.key}
        className="unobserved-band"
        x1={g.x1}
        x2={g.x2}
        fill={GAP_FILL}
        fillOpacity={0.2}
        ifOverflow="hidden"
      />
    )),
    ...unknown.map((g) => (
      <ReferenceArea
        key={`gap:${g.key}`}
        className="gap-band"
        x1={g.x1}
        x2={g.x2}
        fill={GAP_FILL}
        fillOpacity={0.35}
        ifOverflow="hidden"
      />
    )),
    ...bands.map((b) => (
      <ReferenceArea
        key={b.id}
        x1={b.x1}
        x2={b.x2}
        fill={OUTAGE_FILL[b.type]}
        fillOpacity={b.open ? 0.3 : 0.18}
        ifOverflow="hidden"
      />
    )),
  ];

  return (
    <section className="charts" data-testid="point-charts" lang={lang}>
      <header className="charts-head">
        <h3>{t.detail.chartTitle}</h3>
        {point.targets.length > 1 && (
          <label>
            {t.detail.chartHost}{' '}
            <select value={target} onChange={(e) => setTarget(e.target.value)}>
              {point.targets.map((tg) => (
                <option key={tg.id} value={tg.id}>
                  {tg.label} ({t.targets.role[tg.role]})
                </option>
              ))}
            </select>
          </label>
        )}
      </header>
      {samples.kind === 'loading' && <p className="muted">{t.detail.chartLoading}</p>}
      {samples.kind === 'error' && <p className="error">{`${t.errors.load}: ${samples.message}`}</p>}
      {samples.kind === 'ready' && series.length === 0 && <p className="muted">{t.detail.noSamples}</p>}
      {unknown.length > 0 && (
        <p className="muted chart-gaps" data-testid="chart-gaps" data-count={unknown.length}>
          <span className="legend-gap" /> {t.detail.gaps(unknown.length)}
        </p>
      )}
      {silent.length > 0 && (
        <p className="muted chart-gaps" data-testid="chart-unobserved" data-count={silent.length}>
          <span className="legend-gap legend-unobserved" /> {t.detail.unobserved(silent.length)}
        </p>
      )}
      <p className="chart-label">
        <strong>{t.detail.rtt}</strong> <span className="legend-line" /> {t.detail.rttAvg}{' '}
        <span className="legend-band" /> {t.detail.rttBand}
      </p>
      <div className="chart" aria-label={t.detail.rtt}>
        <ResponsiveContainer width="100%" height={190}>
          <ComposedChart data={series} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#d0d4da" />
            {xAxis}
            <YAxis fontSize={12} width={52} tickFormatter={axisNumber} />
            {shading}
            <Area
              dataKey="band"
              name={t.detail.rttBand}
              stroke="none"
              fill="#56B4E9"
              fillOpacity={0.35}
              isAnimationActive={false}
              connectNulls={false}
            />
            <Line
              dataKey="avg"
              name={t.detail.rttAvg}
              stroke="#0072B2"
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
              connectNulls={false}
            />
            <Tooltip labelFormatter={(v) => formatDateTimeSec(Number(v))} formatter={(v) => num(v)} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <p className="chart-label">
        <strong>{t.detail.loss}</strong>
      </p>
      <div className="chart" aria-label={t.detail.loss}>
        <ResponsiveContainer width="100%" height={120}>
          <ComposedChart data={series} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#d0d4da" />
            {xAxis}
            <YAxis fontSize={12} width={52} tickFormatter={axisNumber} domain={[0, 100]} />
            {shading}
            <Area
              dataKey="loss"
              name={t.detail.loss}
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
    </section>
  );
}
