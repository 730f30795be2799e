import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One temporary folder per run, removed when it ends (test/helpers/temp-root.ts).
    globalSetup: ['test/helpers/temp-root.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // No test reaches github.com: the CLI's online mode starts only with a token, so none leaks in.
    env: { GITHUB_TOKEN: '' },
  },
});
