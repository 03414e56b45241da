import { defineConfig } from 'vitest/config';

// Each test file gets its own temporary TSM_HOME and free ports, so files run in parallel, two at
// a time on a 2-core machine. Integration tests wait on conditions with deadlines; the timeouts
// here only bound a hung test.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
