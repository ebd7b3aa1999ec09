// The real engines of each non-ICMP target kind, as the probe router's factories (docs/TARGETS.md).
import { CodecEngine } from './codec/engine';
import type { ProbeRouterOptions } from './router';

export function defaultKindEngines(): NonNullable<ProbeRouterOptions['engines']> {
  // One factory per engine: the router keeps one engine per factory, so both codec kinds share one.
  const codec: NonNullable<ProbeRouterOptions['engines']>['videoos'] = (o) => new CodecEngine(o);
  return { videoos: codec, roomos: codec };
}
