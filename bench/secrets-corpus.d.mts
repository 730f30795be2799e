/** Types of bench/secrets-corpus.mjs, for the TypeScript tests that import it. */
export interface CorpusFile {
  path: string;
  text: string;
  /** 1-based line -> secret family, for every line that holds a secret. */
  labels: Map<number, string>;
}
export function prng(seed: number): () => number;
export function generators(seed: number): Record<string, (...args: never[]) => string> & {
  rnd: () => number;
  str: (n: number, alphabet?: string) => string;
  pick: <T>(list: readonly T[]) => T;
};
export function buildCorpus(seed?: number): CorpusFile[];
