// Strict validation of probe hosts. Hosts end up as arguments of fping/ping processes, so anything
// that is not a plain IP literal or DNS name is refused here, before it can reach a process.

export const MAX_HOST_LENGTH = 253;

const IPV4_OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const DNS_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

export function isIPv4(host: string): boolean {
  const parts = host.split('.');
  return parts.length === 4 && parts.every((p) => IPV4_OCTET.test(p));
}

const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));

export function isIPv6(host: string): boolean {
  if (host.length < 2 || host.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(host)) return false;
  const halves = host.split('::');
  if (halves.length > 2) return false;
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const all = [...head, ...tail];
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
  const last = all[all.length - 1];
  let count = all.length;
  if (last !== undefined && last.includes('.')) {
    // Only the final 32 bits may be written as IPv4: "1.2.3.4::" is not an address.
    if (!isIPv4(last) || host.endsWith(':')) return false;
    all.pop();
    count += 1;
  }
  if (!all.every((g) => HEX_GROUP.test(g))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}

export function isDnsName(host: string): boolean {
  if (host.length === 0 || host.length > MAX_HOST_LENGTH) return false;
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  const labels = name.split('.');
  if (!labels.every((l) => DNS_LABEL.test(l))) return false;
  // All-numeric dotted names look like (invalid) IPv4 literals: refuse rather than guess. Hex
  // labels count as numeric: the resolver (inet_aton) reads "0x7f.1" and "0x7f000001" as 127.0.0.1.
  return !labels.every((l) => /^(?:\d+|0x[0-9a-f]*)$/i.test(l));
}

/** Why a host is refused (English, as the probe engines log it), or null when it is a valid probe host. */
export function hostProblem(host: string): string | null {
  return hostProblemWords(host)?.en ?? null;
}

/** Why a host is refused, in Vietnamese and English, or null when it is a valid probe host. */
export function hostProblemWords(host: string): { vi: string; en: string } | null {
  if (host.length === 0) return { vi: 'địa chỉ để trống', en: 'host is empty' };
  if (host.length > MAX_HOST_LENGTH) {
    return {
      vi: `địa chỉ dài quá ${MAX_HOST_LENGTH} ký tự`,
      en: `host is longer than ${MAX_HOST_LENGTH} characters`,
    };
  }
  if (host.startsWith('-')) return { vi: 'địa chỉ không được bắt đầu bằng “-”', en: 'host must not begin with "-"' };
  if (isIPv4(host) || isIPv6(host) || isDnsName(host)) return null;
  return {
    vi: 'địa chỉ phải là địa chỉ IP (IPv4/IPv6) hoặc tên miền (chữ không dấu, số, “-” và “.”)',
    en: 'host must be an IPv4/IPv6 literal or a DNS name (letters, digits, "-" and ".")',
  };
}

export function isValidHost(host: string): boolean {
  return hostProblem(host) === null;
}
