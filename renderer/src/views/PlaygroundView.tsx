// The teaching playground: type or paste a ClientHello (hex) or an HTTP request; the dissection,
// every fingerprint and the breakdowns update as you type, and errors are marked at the offending
// line and column. Ready-made examples come from real clients recorded on this machine.
import Editor, { type OnMount } from '@monaco-editor/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Ja4Transport } from '../../../core/fingerprint/ja4.js';
import { RECORDED_EXAMPLES } from '../examples/recorded.js';
import { analyseText } from '../lib/playground.js';
import { editorTheme, monaco } from '../monaco/setup.js';
import { ViewPanel } from './DissectionPane.js';

type Kind = 'hello' | 'http';
const SEVERITY = { error: 8, warning: 4, info: 2 } as const; // monaco.MarkerSeverity values

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => { const t = setTimeout(() => setV(value), ms); return () => clearTimeout(t); }, [value, ms]);
  return v;
}

export function PlaygroundView() {
  const [kind, setKind] = useState<Kind>('hello');
  const [transport, setTransport] = useState<Ja4Transport>('tcp');
  const first = RECORDED_EXAMPLES.find((e) => e.kind === 'hello');
  const [text, setText] = useState(first?.text ?? '');
  const [example, setExample] = useState(first?.id ?? '');
  const editorRef = useRef<Parameters<OnMount>[0] | null>(null);
  const typed = useDebounced(text, 120);
  const result = useMemo(() => analyseText(kind, typed, transport), [kind, typed, transport]);
  // While the input does not parse (half-typed hex), the last valid dissection stays on screen.
  const [last, setLast] = useState<{ kind: Kind; view: NonNullable<typeof result.view> } | null>(null);
  useEffect(() => { if (result.view) setLast({ kind, view: result.view }); }, [result.view]); // eslint-disable-line react-hooks/exhaustive-deps
  const shown = result.view ?? (typed.trim() && last?.kind === kind ? last.view : null);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    monaco.editor.setModelMarkers(model, 'helloscope', result.marks.map((m) => ({ message: m.message, severity: SEVERITY[m.severity], startLineNumber: m.line, startColumn: m.column, endLineNumber: m.line, endColumn: m.endColumn })));
  }, [result]);

  // The editor is uncontrolled (a controlled value loses keystrokes when typing fast): examples
  // are put into it, and its changes come back through onChange.
  const put = (t: string): void => { setText(t); if (editorRef.current && editorRef.current.getValue() !== t) editorRef.current.setValue(t); };
  const load = (id: string): void => {
    const e = RECORDED_EXAMPLES.find((x) => x.id === id);
    if (!e) return;
    setExample(id);
    setKind(e.kind);
    put(e.text);
  };
  const switchKind = (k: Kind): void => {
    setKind(k);
    const e = RECORDED_EXAMPLES.find((x) => x.kind === k);
    if (e) { setExample(e.id); put(e.text); }
  };
  return (
    <div className="playground">
      <div className="pg-left">
        <div className="pg-tools">
          <div className="toggles" role="radiogroup" aria-label="Input kind">
            <button role="radio" aria-checked={kind === 'hello'} className={kind === 'hello' ? 'on' : ''} onClick={() => switchKind('hello')}>ClientHello (hex)</button>
            <button role="radio" aria-checked={kind === 'http'} className={kind === 'http' ? 'on' : ''} onClick={() => switchKind('http')} data-testid="pg-http">HTTP request</button>
          </div>
          <select value={example} onChange={(e) => load(e.target.value)} aria-label="Example">
            <option value="" disabled>Examples…</option>
            {RECORDED_EXAMPLES.filter((e) => e.kind === kind).map((e) => <option key={e.id} value={e.id}>{e.label}</option>)}
          </select>
          {kind === 'hello' ? (
            <select value={transport} onChange={(e) => setTransport(e.target.value as Ja4Transport)} aria-label="Transport">
              <option value="tcp">TCP (t)</option><option value="quic">QUIC (q)</option><option value="dtls">DTLS (d)</option>
            </select>
          ) : null}
          <button onClick={() => { setExample(''); put(''); }}>Clear</button>
        </div>
        <div className="pg-editor" data-testid="pg-editor">
          <Editor defaultValue={text} language="plaintext" theme={editorTheme()} onChange={(v) => setText(v ?? '')} onMount={(e) => { editorRef.current = e; }}
            options={{ minimap: { enabled: false }, fontSize: 12, wordWrap: 'on', scrollBeyondLastLine: false, lineNumbers: 'on', renderWhitespace: kind === 'http' ? 'boundary' : 'none' }} />
        </div>
        <div className="pg-status" data-testid="pg-status" role="status">
          {result.marks.length ? result.marks.map((m, i) => <div key={i} className={`problem ${m.severity}`}>line {m.line}, column {m.column}: {m.message}</div>) : result.view ? 'No problems.' : 'Type or paste a ClientHello as hex, or an HTTP/1 request.'}
        </div>
      </div>
      <div className="pg-right">
        {shown && !result.view ? <div className="pg-stale" role="status">The input does not parse (see below the editor): showing the last one that did.</div> : null}
        {shown ? <ViewPanel key={`${kind}-${shown.kind}`} view={shown} /> : <div className="empty-pane">Nothing to dissect yet.</div>}
      </div>
    </div>
  );
}
