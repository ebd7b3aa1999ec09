import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    // Real processes and browsers on two shared cores: a test's own waits say what is late, not this.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Real processes, namespaces and nftables tables: keep files from stepping on each other's CPU.
    maxWorkers: 2,
  },
});
