// [AG12] "Kiểm tra ngay" of a point a remote agent probes (docs/AGENTS.md AG12): the centre cannot probe
// it itself (it sits on a network the centre often cannot reach), so it asks the agent, over the agent's
// own link, to probe those targets once and answer. The agent answers only for targets of its schedule;
// the centre reads the answer as untrusted input, and an agent that does not answer in time is "no
// contact" (unknown), never "no reply".
import { z } from 'zod';
import type { TestNowResult } from '../../shared/protocol';
import type { Target } from '../../shared/schemas';
import { PROBE_REASONS } from '../../shared/targets';
import { testNowTimeoutMs, testRow, type TestRow } from '../pipeline/test-now';
import type { TargetResult } from '../probe/kinds';
import {
  AGENT_PROBE_MAX_IDS,
  AGENT_PROBE_MAX_TIMEOUT_MS,
  AGENT_PROBE_SLACK_MS,
  type AgentProbeAnswer,
  type AgentProbeRequest,
} from './contract';

const ProbeRequest = z
  .object({
    ids: z.array(z.string().min(1).max(512)).min(1).max(AGENT_PROBE_MAX_IDS),
    timeoutMs: z.number().int().min(1).max(AGENT_PROBE_MAX_TIMEOUT_MS),
  })
  .strict();

/** A result in an answer: what "Kiểm tra ngay" shows (a codec's call or a certificate's date are not). */
const AnsweredResult = z.object({
  target: z.string().min(1).max(512),
  t: z.number().finite(),
  rtt: z.number().finite().min(0).nullable(),
  reason: z.enum(PROBE_REASONS).optional(),
  detail: z.string().max(1_000).optional(),
  code: z.number().int().optional(),
});

const ProbeAnswer = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), results: z.array(AnsweredResult).max(AGENT_PROBE_MAX_IDS) }),
  z.object({ ok: z.literal(false), error: z.string().max(2_000), en: z.string().max(2_000) }),
]);

/** What the agent probes with: its schedule's targets by id, and its probe router. */
export interface AgentProber {
  target(id: string): Target | undefined;
  probeOnce(target: Target, timeoutMs: number): Promise<TargetResult>;
  now(): number;
}

/** The fields of a result an answer carries (the router's result may hold more). */
function shown(r: TargetResult): TargetResult {
  const out: TargetResult = { target: r.target, t: r.t, rtt: r.rtt };
  if (r.reason !== undefined) out.reason = r.reason;
  if (r.detail !== undefined) out.detail = r.detail;
  if (r.code !== undefined) out.code = r.code;
  return out;
}

/** The agent's side: the request checked, each target of its schedule probed once, all at once. */
export async function answerProbeRequest(raw: unknown, prober: AgentProber): Promise<AgentProbeAnswer> {
  const parsed = ProbeRequest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.join('.') || '(request)';
    return {
      ok: false,
      error: `Yêu cầu kiểm tra không đúng dạng, trường “${where}”: ${issue.message}`,
      en: `Malformed probe request, field "${where}": ${issue.message}`,
    };
  }
  const { ids, timeoutMs } = parsed.data;
  const results = await Promise.all(
    ids.map(async (id): Promise<TargetResult> => {
      const target = prober.target(id);
      if (!target)
        return { target: id, t: prober.now(), rtt: null, reason: 'error', detail: 'not in this agent’s schedule' };
      return shown(await prober.probeOnce(target, Math.min(timeoutMs, testNowTimeoutMs(target.kind))));
    }),
  );
  return { ok: true, results };
}

/**
 * The centre's side: the answers of the agent's connections (one, but two while a reconnection replaces
 * the first), read as untrusted. The results of the requested ids from the first well-formed answer that
 * has them; `refused` when the agent refused the request; null when no connection answered.
 */
export function readProbeAnswers(
  answers: readonly unknown[],
  ids: readonly string[],
): { results: Map<string, TargetResult>; refused: string | null } | null {
  const wanted = new Set(ids);
  let refused: string | null = null;
  let any = false;
  const results = new Map<string, TargetResult>();
  for (const raw of answers) {
    const parsed = ProbeAnswer.safeParse(raw);
    if (!parsed.success) continue;
    any = true;
    if (!parsed.data.ok) {
      refused ??= parsed.data.en;
      continue;
    }
    for (const r of parsed.data.results) {
      if (wanted.has(r.target) && !results.has(r.target)) results.set(r.target, shown(r as TargetResult));
    }
  }
  return any ? { results, refused: results.size > 0 ? null : refused } : null;
}

/** Asks an agent's connections (wherever they are held) and resolves with what answered in time. */
export type AgentProbe = (agent: string, request: AgentProbeRequest) => Promise<unknown[]>;

type Row = TestRow;

/** A row of an agent's target from the agent's result, or unknown with why. */
function rowOf(row: Row, r: TargetResult | undefined, why: { reason: 'no-contact' | 'error'; detail: string }): Row {
  // The target's wire form and agent, without what the centre's own row said of it.
  const { alive: _alive, rtt: _rtt, reason: _reason, code: _code, detail: _detail, ...base } = row;
  return testRow(base, r ?? { rtt: null, reason: why.reason, detail: why.detail });
}

/**
 * "Kiểm tra ngay" with every agent's targets (the rows carrying `agent`) probed through that agent, the
 * agents asked at once. Rows of the centre's own targets are kept as they are.
 */
export async function throughAgents(result: TestNowResult, probe: AgentProbe): Promise<TestNowResult> {
  const byAgent = new Map<string, Row[]>();
  for (const row of result.results) {
    if (row.agent === undefined) continue;
    const rows = byAgent.get(row.agent) ?? [];
    rows.push(row);
    byAgent.set(row.agent, rows);
  }
  if (byAgent.size === 0) return result;
  const done = new Map<Row, Row>();
  await Promise.all(
    [...byAgent].flatMap(([agent, rows]) => {
      const parts: Row[][] = [];
      for (let i = 0; i < rows.length; i += AGENT_PROBE_MAX_IDS) parts.push(rows.slice(i, i + AGENT_PROBE_MAX_IDS));
      return parts.map(async (part) => {
        const ids = part.map((r) => r.id);
        const timeoutMs = Math.max(...part.map((r) => testNowTimeoutMs(r.kind)));
        const read = readProbeAnswers(await probe(agent, { ids, timeoutMs }), ids);
        const waited = Math.round((timeoutMs + AGENT_PROBE_SLACK_MS) / 1000);
        for (const row of part) {
          const why =
            read === null
              ? ({ reason: 'no-contact', detail: `no answer from agent ${agent} within ${waited} s` } as const)
              : ({ reason: 'error', detail: read.refused ?? `agent ${agent} gave no result for this target` } as const);
          done.set(row, rowOf(row, read?.results.get(row.id), why));
        }
      });
    }),
  );
  return { ...result, results: result.results.map((r) => done.get(r) ?? r) };
}
