// Every benchmark part, in the order `npm run bench` runs them. Add yours here.
import type { BenchPart } from '../lib/types';
import { agentsPart } from './agents';
import { clusterPart } from './cluster';
import { dashboardPart } from './dashboard';
import { e2eLongPart, e2ePart, e2eReportPart } from './e2e';
import { enginesPart } from './engines';
import { nationalPart } from './national';
import { outboxPart } from './outbox';
import { sipProbePart } from './probe-sip';
import { tcpHttpProbePart } from './probe-tcp-http';
import { reportPart } from './report';
import { reportNationalPart } from './report-national';
import { rollupsPart } from './rollups';
import { trackerPart } from './tracker';

export const PARTS: readonly BenchPart[] = [
  trackerPart,
  outboxPart,
  reportPart,
  rollupsPart,
  enginesPart,
  sipProbePart,
  tcpHttpProbePart,
  e2ePart,
  dashboardPart,
  clusterPart,
  e2eReportPart,
  e2eLongPart,
  agentsPart,
  reportNationalPart,
  nationalPart,
];
