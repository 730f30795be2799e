/** A 1-based line and column. Columns count UTF-16 code units, as editors and GitHub do. */
export interface Position {
  line: number;
  column: number;
}

/** Maps string offsets to 1-based line/column positions in O(log n). */
export class LineIndex {
  private computed: number[] | undefined;
  readonly length: number;

  /** Cheap to create: the line starts are found on first use (most files never need positions). */
  constructor(private readonly text: string) {
    this.length = text.length;
  }

  private get starts(): number[] {
    if (this.computed) return this.computed;
    const starts = [0];
    const text = this.text;
    let i = text.indexOf('\n');
    while (i !== -1) {
      starts.push(i + 1);
      i = text.indexOf('\n', i + 1);
    }
    this.computed = starts;
    return starts;
  }

  /** Number of lines (a trailing newline does not start a new line of content). */
  get lineCount(): number {
    return this.starts.length;
  }

  position(offset: number): Position {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  }

  /** Offset of the first character of a 1-based line. */
  lineStart(line: number): number {
    return this.starts[line - 1] ?? this.length;
  }
}
