// Why two fingerprints differ: pick two connections (from any source) or paste two fingerprints
// or raw _r/_ro strings; the verdicts in words, then Monaco's diff editor on the two raw
// dissections for those who want every byte.
import { DiffEditor } from '@monaco-editor/react';
import { useEffect, useState } from 'react';
import type { ConnectionDetail, ConnectionDiff, DiffSide } from '../../../core/api.js';
import type { Field } from '../../../core/dissect/field.js';
import { diffSides } from '../../../core/explain/diff-sides.js';
import { ja4hSideFromText, tlsSideFromText } from '../../../core/explain/side-from-text.js';
import { editorTheme } from '../monaco/setup.js';
import { errorText } from '../gateway.js';
import type { DiffSlot } from '../stores/app-store.js';
import { useApp, useAppState } from '../stores/use-store.js';

/** The field tree as nested `label: display [start+length]` entries: what the JSON diff shows. */
function compactTree(fields: readonly Field[]): unknown[] {
  return fields.map((f) => {
    const line = `${f.label}: ${f.display}${f.generated ? '' : ` [${f.start}+${f.length}]`}${f.grease ? ' GREASE' : ''}`;
    return f.children?.length ? { [line]: compactTree(f.children) } : line;
  });
}

const detailJson = (d: ConnectionDetail): string => JSON.stringify({ record: d.record, views: d.views.map((v) => ({ title: v.title, fingerprints: v.fingerprints, fields: compactTree(v.fields) })) }, null, 2);

function textSide(text: string, name: string): DiffSide | string {
  const t = text.trim();
  if (!t) return `${name}: paste a JA4, a raw JA4 (_r/_ro), a JA3 string or a JA4H, or pick a connection`;
  const tls = tlsSideFromText(t, name);
  const http = tls ? undefined : ja4hSideFromText(t, name);
  if (!tls && !http) return `${name}: "${t.slice(0, 60)}" is not a JA4, raw JA4, JA3 string or JA4H`;
  return { name, tls: tls ?? null, http: http ?? null };
}

function Slot({ which, slot }: { which: 'a' | 'b'; slot: DiffSlot }) {
  const { store } = useApp();
  const state = useAppState();
  const active = state.sources.find((s) => s.info.id === state.activeId);
  const pick = (): void => {
    if (!active || active.focused === null) { store.notify('info', 'Select a connection in a source first, then pick it here.'); return; }
    const s = store.connectionSlot(active.info.id, active.focused);
    if (s) store.setDiffSlot(which, s);
  };
  return (
    <div className="diff-slot" data-testid={`diff-slot-${which}`}>
      <span className="slot-name">{which.toUpperCase()}</span>
      {slot.kind === 'connection'
        ? <span className="slot-conn" title={slot.label}>{slot.label}</span>
        : <input className="mono" value={slot.text} placeholder="paste a JA4, raw JA4 (_r / _ro), JA3 string or JA4H" onChange={(e) => store.setDiffSlot(which, { kind: 'text', text: e.target.value })} aria-label={`Diff side ${which.toUpperCase()}`} spellCheck={false} />}
      <button onClick={pick} title="Use the connection selected in the active source">Use selected connection</button>
      {slot.kind === 'connection' ? <button onClick={() => store.setDiffSlot(which, { kind: 'text', text: '' })}>Paste instead</button> : null}
    </div>
  );
}

function Verdict({ title, d }: { title: string; d: ConnectionDiff['tls'] }) {
  if (!d) return null;
  return (
    <section className="verdict" data-testid={`verdict-${title.toLowerCase()}`}>
      <h3>{title}{d.equal.ja4 !== null ? <span className={`eq ${d.equal.ja4 ? 'same' : 'differs'}`}>JA4 {d.equal.ja4 ? 'equal' : 'differs'}</span> : null}{d.equal.ja3 !== null ? <span className={`eq ${d.equal.ja3 ? 'same' : 'differs'}`}>JA3 {d.equal.ja3 ? 'equal' : 'differs'}</span> : null}</h3>
      <p className="conclusion" data-testid="conclusion">{d.conclusion}</p>
      {d.findings.length ? <ul>{d.findings.map((f, i) => <li key={i}>{f}</li>)}</ul> : null}
    </section>
  );
}

export function DiffView() {
  const { api } = useApp();
  const { diff } = useAppState();
  const [result, setResult] = useState<ConnectionDiff | null>(null);
  const [texts, setTexts] = useState<[string, string]>(['', '']);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setError(null);
    const { a, b } = diff;
    (async () => {
      if (a.kind === 'connection' && b.kind === 'connection') {
        const [d, da, db] = await Promise.all([
          api.diffConnections({ a: { sourceId: a.sourceId, id: a.id }, b: { sourceId: b.sourceId, id: b.id } }),
          api.connectionDetail({ sourceId: a.sourceId, id: a.id }), api.connectionDetail({ sourceId: b.sourceId, id: b.id }),
        ]);
        if (live) { setResult(d); setTexts([detailJson(da), detailJson(db)]); }
        return;
      }
      const side = async (s: DiffSlot, name: string): Promise<[DiffSide, string]> => {
        if (s.kind === 'text') { const t = textSide(s.text, name); if (typeof t === 'string') throw new Error(t); return [t, JSON.stringify(t, null, 2)]; }
        const [d, detail] = await Promise.all([api.connectionSide({ sourceId: s.sourceId, id: s.id }), api.connectionDetail({ sourceId: s.sourceId, id: s.id })]);
        return [{ ...d, name: s.label }, detailJson(detail)];
      };
      const [[sa, ja], [sb, jb]] = await Promise.all([side(a, 'A'), side(b, 'B')]);
      if (live) { setResult(diffSides(sa, sb)); setTexts([ja, jb]); }
    })().catch((e) => { if (live) { setResult(null); setError(errorText(e)); } });
    return () => { live = false; };
  }, [api, diff]);
  return (
    <div className="diff-view">
      <div className="diff-slots"><Slot which="a" slot={diff.a} /><Slot which="b" slot={diff.b} /></div>
      {error ? <div className="diff-error" role="status">{error}</div> : null}
      {result ? (
        <div className="verdicts">
          <Verdict title="TLS" d={result.tls} />
          <Verdict title="HTTP" d={result.http} />
          {!result.tls && !result.http ? <p className="conclusion">Nothing to compare: the two sides have no fingerprint of the same kind (one TLS, one HTTP?).</p> : null}
        </div>
      ) : null}
      <div className="diff-editor" data-testid="diff-editor">
        <DiffEditor original={texts[0]} modified={texts[1]} language="json" theme={editorTheme()} options={{ readOnly: true, renderSideBySide: true, minimap: { enabled: false }, scrollBeyondLastLine: false, fontSize: 12 }} />
      </div>
    </div>
  );
}
