import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    // Compiling big templates and training small nets on real tfjs takes time on 2 cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // expect.poll waits for the page to settle (a worker's answer, a re-render). Its default of 1 s is a
    // race on a loaded 2-core machine; a wrong value still fails, only later.
    expect: { poll: { timeout: 15_000 } },
  },
});
