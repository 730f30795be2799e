/** Types of bench/secret-patterns.mjs, for the TypeScript tests that import it. */
export function detectorSource(detector: { id: string }): string;
export function withFixedLookbehinds(pattern: string): string;
