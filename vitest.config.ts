// Tests: unit (the core, fake clock), integration (real server, real sockets, SQLite and PostgreSQL),
// browser (real Chromium). Benchmarks live in test/bench and are not tests.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // node:sqlite is stable in use but still flagged experimental in Node 22; its warning is noise here.
    execArgv: ['--disable-warning=ExperimentalWarning'],
    maxWorkers: 2,
    reporters: ['default'],
  },
});
