/** Types of bench/secrets-corpus.mjs, for the TypeScript tests that import it. */
export interface CorpusFile {
  path: string;
  text: string;
  /** 1-based line -> secret family, for every line that holds a secret. */
  labels: Map<number, string>;
  /** 1-based line -> kind of decoy, for every line that looks like a secret and is not one. */
  decoys: Map<number, string>;
}
/** The detector data and helpers the corpus is built from (src/ in tests, lib/ in the benchmark). */
export interface CorpusLib {
  providers: readonly {
    id: string;
    family?: string;
    pattern: RegExp;
    example: string;
    counterExample: string;
    prefix: number;
  }[];
  expandExample: (template: string, rnd: () => number) => { line: string; secret: string; start: number };
  syntheticKey: (kind: string, random: (n: number) => Buffer) => string;
  signCrc32Base62: (random30: string) => string;
}
export function prng(seed: number): () => number;
export function buildCorpus(lib: CorpusLib, seed?: number): CorpusFile[];
