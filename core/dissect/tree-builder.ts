import type { Field, FieldValue, Problem } from './field.js';

/**
 * Where parsers put fields. The recording reader calls it as it advances; a parser never
 * builds Field objects itself. `NO_TREE` skips all tree work so fingerprint-only callers pay
 * only for reading (the fast path), while problems are always collected.
 */
export interface TreeSink {
  readonly enabled: boolean;
  readonly problems: Problem[];
  leaf(key: string, label: string, source: string, start: number, length: number, value: FieldValue | undefined, display: string, grease?: boolean): void;
  open(key: string, label: string, source: string, start: number, display?: string, grease?: boolean): void;
  /** Closes the innermost open field at `end`; `display` replaces its display text when given. */
  close(end: number, display?: string, value?: FieldValue): void;
  problem(p: Problem): void;
  /** Number of open fields, so a parser that catches a truncation can close what it opened. */
  readonly depth: number;
  /** Closes open fields at `end` until `depth` remain. */
  unwindTo(depth: number, end: number): void;
}

export class TreeBuilder implements TreeSink {
  readonly enabled = true;
  readonly problems: Problem[] = [];
  readonly roots: Field[] = [];
  private readonly stack: Field[] = [];

  private attach(f: Field): void {
    const parent = this.stack[this.stack.length - 1];
    if (parent) (parent.children ??= []).push(f);
    else this.roots.push(f);
  }

  leaf(key: string, label: string, source: string, start: number, length: number, value: FieldValue | undefined, display: string, grease?: boolean): void {
    const f: Field = { key, label, source, start, length, display };
    if (value !== undefined) f.value = value;
    if (grease) f.grease = true;
    this.attach(f);
  }

  open(key: string, label: string, source: string, start: number, display = '', grease?: boolean): void {
    const f: Field = { key, label, source, start, length: 0, display };
    if (grease) f.grease = true;
    this.attach(f);
    this.stack.push(f);
  }

  close(end: number, display?: string, value?: FieldValue): void {
    const f = this.stack.pop();
    if (!f) return;
    f.length = Math.max(0, end - f.start);
    if (display !== undefined) f.display = display;
    if (value !== undefined) f.value = value;
  }

  get depth(): number {
    return this.stack.length;
  }

  unwindTo(depth: number, end: number): void {
    while (this.stack.length > depth) this.close(end);
  }

  /** The innermost open field, for callers that decorate it (e.g. mark GREASE). */
  current(): Field | undefined {
    return this.stack[this.stack.length - 1];
  }

  /** The last field added at the current level. */
  last(): Field | undefined {
    const parent = this.stack[this.stack.length - 1];
    const list = parent ? parent.children : this.roots;
    return list?.[list.length - 1];
  }

  problem(p: Problem): void {
    this.problems.push(p);
    const target = this.stack[this.stack.length - 1] ?? this.last();
    if (target) (target.problems ??= []).push(p);
  }
}

/** Collects problems only. */
export class ProblemsOnly implements TreeSink {
  readonly enabled = false;
  readonly problems: Problem[] = [];
  readonly depth = 0;
  unwindTo(): void {}
  leaf(): void {}
  open(): void {}
  close(): void {}
  problem(p: Problem): void {
    this.problems.push(p);
  }
}
