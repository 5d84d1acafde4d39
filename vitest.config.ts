import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    // Compiling big templates and training small nets on real tfjs takes time on 2 cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
