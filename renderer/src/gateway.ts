// The renderer's one way to the main process: the bridge the preload put on window.helloscope
// (core/api.ts). Nothing else in the renderer touches it directly.
import type { HelloscopeBridge } from '../../core/api.js';

declare global {
  interface Window { helloscope?: HelloscopeBridge }
}

export function gateway(): HelloscopeBridge {
  const g = window.helloscope;
  if (!g) throw new Error('window.helloscope is missing: the preload did not run');
  return g;
}

/** The message of an error from the bridge (BridgeError keeps the main side's text). */
export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
