import { isIPv6 } from '../../shared/host';
import type { PingConfig } from 'ping';

/**
 * Options for the `ping` package (v0.4.4) for one probe. Its `timeout` is in SECONDS on every
 * platform; it passes it as `-W s` on Linux, `-W s·1000` (ms) on macOS, `-w s·1000` (ms) on Windows,
 * formatted with %d. Whole seconds keep every ping build happy (older iputils refuse "-W 0.5");
 * the engine enforces the exact timeout itself. macOS ping6 has no timeout option (the package
 * throws if one is given), so there the deadline bounds the run instead.
 */
export function pingConfig(host: string, timeoutMs: number, platform = process.platform): PingConfig {
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  if (platform === 'darwin' && isIPv6(host)) {
    return { numeric: true, min_reply: 1, timeout: false as unknown as number, deadline: seconds };
  }
  // Modern Linux `ping` handles IPv6 itself; `ping6` is missing on many distributions.
  const v6 = platform === 'linux' ? { v6: false } : {};
  return { numeric: true, min_reply: 1, timeout: seconds, ...v6 };
}
