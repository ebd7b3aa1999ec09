// nftables scripts for one hub namespace. The table lives inside the hub's namespace (never the
// root one) and filters at prerouting, so it covers the hub's own hosts and, forwarded, its delayed
// hosts alike. A powered-off host is an element of the `down` set; loss is one rule per host.
import { NFT_TABLE } from './sys';

const T = `ip ${NFT_TABLE}`;

/** Loss is drawn from 0–9999 so fractional percentages (0.5 %) work; 100 % needs no draw (nor fits one). */
export function lossRule(address: string, percent: number): string {
  const share = Math.round(percent * 100);
  const draw = share >= 10_000 ? '' : ` numgen random mod 10000 < ${share}`;
  return `add rule ${T} loss ip daddr ${address} icmp type echo-request${draw} drop`;
}

export function tableScript(loss: ReadonlyMap<string, number>): string {
  return [
    `table ${T} {`,
    '  set down { type ipv4_addr; }',
    '  chain loss { }',
    '  chain pre {',
    '    type filter hook prerouting priority -150; policy accept;',
    '    ip daddr @down drop',
    '    jump loss',
    '  }',
    '}',
    ...lossLines(loss),
  ].join('\n');
}

/** Replaces all loss rules of the namespace in one transaction. */
export const lossScript = (loss: ReadonlyMap<string, number>): string =>
  [`flush chain ${T} loss`, ...lossLines(loss)].join('\n');

const lossLines = (loss: ReadonlyMap<string, number>): string[] =>
  [...loss].filter(([, p]) => p > 0).map(([address, p]) => lossRule(address, p));

export const hostDownScript = (address: string): string => `add element ${T} down { ${address} }`;
/** Adding first makes the delete succeed whether or not the host was down. */
export const hostUpScript = (address: string): string =>
  `add element ${T} down { ${address} }\ndelete element ${T} down { ${address} }`;
