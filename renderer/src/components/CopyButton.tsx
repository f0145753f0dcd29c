// A small copy-to-clipboard button (an inline SVG: no icon font to load).
import { useState } from 'react';
import { copyText } from '../lib/clipboard.js';

export function CopyButton({ text, what }: { text: string; what: string }) {
  const [done, setDone] = useState(false);
  return (
    <button className="icon copy" title={`Copy ${what}`} aria-label={`Copy ${what}`} onClick={() => { void copyText(text).then(() => { setDone(true); setTimeout(() => setDone(false), 900); }); }}>
      {done ? '✓' : (
        <svg width="12" height="12" viewBox="0 0 16 16" aria-hidden="true"><rect x="5" y="5" width="9" height="9" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.5" /><path d="M3 11V3.5A1.5 1.5 0 0 1 4.5 2H11" fill="none" stroke="currentColor" strokeWidth="1.5" /></svg>
      )}
    </button>
  );
}
