// The real engines of each non-ICMP target kind, as the probe router's factories (docs/TARGETS.md).
import { CodecEngine } from './codec/engine';
import { HttpEngine } from './http';
import { SipEngine } from './sip';
import type { KindEngineFactory, ProbeRouterOptions } from './router';
import { TcpEngine } from './tcp';

// One factory per engine: a router keeps one engine per factory, so both codec kinds share one.
const codec: KindEngineFactory = (o) => new CodecEngine(o);

export function defaultKindEngines(): NonNullable<ProbeRouterOptions['engines']> {
  return {
    tcp: (o) => new TcpEngine(o),
    sip: (o) => new SipEngine(o),
    http: (o) => new HttpEngine(o),
    videoos: codec,
    roomos: codec,
  };
}
