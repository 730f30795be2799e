/**
 * A progress line on stderr for checks that take a while: drawn only on a terminal, only once the run
 * has lasted `delayMs` (2 s by default, so quick runs print nothing extra), redrawn every second in
 * place, and erased before anything else is written to stderr and when the run ends.
 */
import { escapeControls } from '../reporters/escape.js';

/** The line's handle: what it says now, and the two ways of getting it out of the way. */
export interface Progress {
  /** Sets what the run is doing now (shown at the next redraw). */
  phase(text: string): void;
  /** Erases the line if it is drawn (before other stderr output); it comes back at the next tick. */
  clear(): void;
  /** Erases the line for good and stops the timers. */
  stop(): void;
}

/** How a progress line is drawn. */
export interface ProgressOptions {
  /** Write to stderr. */
  write: (text: string) => void;
  /** Whether stderr is a terminal: nowhere else is a line redrawn in place. */
  enabled: boolean;
  /** What is being done, e.g. `checking ../api`. */
  label: string;
  /** How long a run lasts before the line appears (default 2,000 ms; 0: at once). */
  delayMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** Carriage return, then erase the whole line (ECMA-48 EL 2). */
const ERASE = '\r\u001b[2K';

const NONE: Progress = { phase() {}, clear() {}, stop() {} };

/** Starts the progress line (a no-op off a terminal). */
export function startProgress(options: ProgressOptions): Progress {
  if (!options.enabled) return NONE;
  const now = options.now ?? Date.now;
  const started = now();
  let phase = '';
  let drawn = false;
  let stopped = false;
  let ticker: NodeJS.Timeout | undefined;
  const draw = () => {
    if (stopped) return;
    const seconds = Math.floor((now() - started) / 1000);
    const what = phase ? `: ${escapeControls(phase)}` : '';
    options.write(`${ERASE}controlgate: ${escapeControls(options.label)}${what} (${seconds} s)`);
    drawn = true;
  };
  const begin = () => {
    draw();
    ticker = setInterval(draw, 1000);
    ticker.unref();
  };
  const delay = options.delayMs ?? 2000;
  let waiting: NodeJS.Timeout | undefined;
  if (delay <= 0) begin();
  else {
    waiting = setTimeout(begin, delay);
    waiting.unref();
  }
  const clear = () => {
    if (!drawn) return;
    options.write(ERASE);
    drawn = false;
  };
  return {
    phase(text) {
      phase = text;
    },
    clear,
    stop() {
      clear();
      stopped = true;
      if (waiting) clearTimeout(waiting);
      if (ticker) clearInterval(ticker);
    },
  };
}
