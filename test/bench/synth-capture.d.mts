// Types of synth-capture.mjs (used by benchmarks and tests).
export function templates(root: string): { id: string; hello: Uint8Array; flight: Uint8Array }[];
/** Writes `count` TLS connections built from the recorded clients to `file`. */
export function writeSynthCapture(file: string, count: number, root: string): { size: number; templates: number };
