// "Label this client": the user's own name for a fingerprint, kept in their labels (user data
// directory) and shown on every connection with that JA4.
import { useEffect, useRef, useState } from 'react';
import { useApp, useAppState } from '../stores/use-store.js';

export function LabelDialog() {
  const { store } = useApp();
  const { labeling } = useAppState();
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => { if (labeling) { setText(labeling.suggestion); setTimeout(() => input.current?.select(), 0); } }, [labeling]);
  if (!labeling) return null;
  const save = (): void => { if (text.trim()) void store.saveLabel(text.trim()); };
  return (
    <div className="modal-back" onMouseDown={() => store.openLabeling(null)}>
      <div className="modal" role="dialog" aria-label="Label this client" onMouseDown={(e) => e.stopPropagation()}>
        <h3>Label this client</h3>
        <p className="mono small">{labeling.ja4}</p>
        <input ref={input} value={text} onChange={(e) => setText(e.target.value)} placeholder="e.g. our scraper v2, Chrome 131 on Windows" aria-label="Client label" maxLength={200}
          onKeyDown={(e) => { if (e.key === 'Enter') save(); if (e.key === 'Escape') store.openLabeling(null); }} />
        <p className="small">Saved in your labels (also <code>helloscope labels list</code>); a label wins over the bundled knowledge base.</p>
        <div className="modal-buttons">
          <button onClick={() => store.openLabeling(null)}>Cancel</button>
          <button className="primary" onClick={save} disabled={!text.trim()}>Save label</button>
        </div>
      </div>
    </div>
  );
}
