// The real engines of each non-ICMP target kind, as the probe router's factories (docs/TARGETS.md).
import type { ProbeRouterOptions } from './router';

export function defaultKindEngines(): NonNullable<ProbeRouterOptions['engines']> {
  return {};
}
