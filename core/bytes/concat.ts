// One byte array holding `parts` one after the other.

/** `parts` joined (`size`: their total length, when the caller already has it). */
export function concatBytes(parts: readonly Uint8Array[], size = parts.reduce((n, x) => n + x.length, 0)): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const x of parts) { out.set(x, at); at += x.length; }
  return out;
}
