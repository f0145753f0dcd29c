// The dissection of the focused connection: a tab per handshake message, certificate or request
// of the connection; its fingerprints; the field tree beside the hex view, linked both ways.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ConnectionDetail, DissectionView } from '../../../core/api.js';
import type { Field } from '../../../core/dissect/field.js';
import { FieldIntervalIndex } from '../../../core/dissect/interval-index.js';
import { BreakdownPanel } from '../components/BreakdownPanel.js';
import { FieldTree, flattenTree } from '../components/FieldTree.js';
import { viewBreakdowns } from '../lib/breakdowns.js';
import type { ByteRef } from '../../../core/explain/breakdown.js';
import { HexView, type ByteRange } from '../components/HexView.js';
import { Splitter } from '../components/Splitter.js';
import { CopyButton } from '../components/CopyButton.js';
import { hexToBytes } from '../lib/hex.js';
import { errorText } from '../gateway.js';
import { useApp } from '../stores/use-store.js';

/** Field at a tree path ("0.3.1"). */
function fieldAt(fields: readonly Field[], path: string): Field | undefined {
  let list: readonly Field[] | undefined = fields, f: Field | undefined;
  for (const i of path.split('.').map(Number)) { f = list?.[i]; list = f?.children; }
  return f;
}

/** Top-level fields and the first level below them start open, like Wireshark's tree. */
function initialExpanded(fields: readonly Field[]): Set<string> {
  const s = new Set<string>();
  fields.forEach((f, i) => { s.add(String(i)); f.children?.forEach((c, j) => { if (c.children?.length && c.children.length < 40) s.add(`${i}.${j}`); }); });
  return s;
}

export function DissectionPane({ sourceId, connectionId }: { sourceId: string; connectionId: number | null }) {
  const { api } = useApp();
  const [detail, setDetail] = useState<ConnectionDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [viewId, setViewId] = useState<string | null>(null);
  useEffect(() => {
    setDetail(null); setError(null);
    if (connectionId === null) return;
    let live = true;
    api.connectionDetail({ sourceId, id: connectionId }).then((d) => { if (live) { setDetail(d); setViewId((v) => (d.views.some((x) => x.id === v) ? v : d.views[0]?.id ?? null)); } }, (e) => { if (live) setError(errorText(e)); });
    return () => { live = false; };
  }, [api, sourceId, connectionId]);

  if (connectionId === null) return <div className="empty-pane">Select a connection to see its handshake byte by byte.</div>;
  if (error) return <div className="empty-pane error" role="alert">{error}</div>;
  if (!detail) return <div className="empty-pane">Dissecting…</div>;
  const view = detail.views.find((v) => v.id === viewId) ?? detail.views[0];
  return (
    <div className="dissection" data-testid="dissection">
      <div className="view-tabs" role="tablist">
        {detail.views.map((v) => (
          <button key={v.id} role="tab" aria-selected={v.id === view?.id} className={v.id === view?.id ? 'active' : ''} onClick={() => setViewId(v.id)} data-view={v.id}>{v.title}</button>
        ))}
        {detail.notes.map((n, i) => <span key={i} className="note">{n}</span>)}
      </div>
      {view ? <ViewPanel key={`${detail.sourceId}/${detail.id}/${view.id}`} view={view} /> : <div className="empty-pane">Nothing was dissected on this connection (no TLS handshake or HTTP request bytes).</div>}
    </div>
  );
}

/** The known client a ClientHello matches, how sure, and what differs from that entry. */
function KnownClientBox({ view }: { view: DissectionView }) {
  const { store } = useApp();
  const c = view.client;
  const ja4 = view.fingerprints.ja4;
  const label = (): void => { if (ja4) store.openLabeling({ ja4, ...(view.fingerprints.ja4_r ? { ja4_r: view.fingerprints.ja4_r } : {}), ...(view.fingerprints.ja3 ? { ja3: view.fingerprints.ja3 } : {}), suggestion: c?.label ?? '' }); };
  return (
    <div className="known-client" data-testid="known-client">
      {c ? (
        <>
          <span className={`kc-badge ${c.exact ? 'exact' : 'near'}`}>{c.exact ? 'known client' : `nearest known client, ${Math.round(c.confidence * 100)}%`}</span>
          <strong>{c.label}</strong>
          <span className="kc-meta">{[c.library, c.os, c.source === 'user' ? 'your label' : c.source].filter(Boolean).join(' · ')}</span>
          {c.differences.length ? <ul className="kc-diff">{c.differences.map((d, i) => <li key={i}>{d}</li>)}</ul> : null}
        </>
      ) : <span className="kc-badge none">no known client matches this {view.kind === 'http_request' ? 'JA4H' : 'JA4'}</span>}
      {ja4 ? <button onClick={label} data-testid="label-client">Label this client…</button> : null}
    </div>
  );
}

export function ViewPanel({ view }: { view: DissectionView }) {
  const [sourceIdx, setSourceIdx] = useState(0);
  const source = view.sources[sourceIdx] ?? view.sources[0];
  const bytes = useMemo(() => hexToBytes(source?.hex ?? ''), [source]);
  const index = useMemo(() => new FieldIntervalIndex(view.fields, source?.id ?? ''), [view.fields, source]);
  const [expanded, setExpanded] = useState(() => initialExpanded(view.fields));
  const [selectedPath, setSelectedPath] = useState<string | null>(null);
  const [hoverField, setHoverField] = useState<Field | null>(null);
  const [hoverByte, setHoverByte] = useState<number | null>(null);
  const [share, setShare] = useState(0.5);
  const [left, setLeft] = useState<'fields' | 'breakdown'>('fields');
  const [hoverRefs, setHoverRefs] = useState<ByteRef[] | null>(null);
  const breakdowns = useMemo(() => viewBreakdowns(view), [view]);
  const rows = useMemo(() => flattenTree(view.fields, expanded), [view.fields, expanded]);
  const selectedField = selectedPath ? fieldAt(view.fields, selectedPath) : undefined;

  const rangeOf = (f: Field | undefined | null): ByteRange | null => (f && !f.generated && f.source === source?.id ? { start: f.start, length: f.length } : null);
  const hoveredFromHex = hoverByte !== null ? index.at(hoverByte)?.field : undefined;
  const hovered = useMemo((): ByteRange[] => {
    if (hoverRefs) return hoverRefs.filter((r) => r.source === source?.id).map((r) => ({ start: r.start, length: r.length }));
    const r = rangeOf(hoverField ?? hoveredFromHex);
    return r ? [r] : [];
  }, [hoverRefs, hoverField, hoveredFromHex, source]); // eslint-disable-line react-hooks/exhaustive-deps

  const onToggle = useCallback((path: string, open?: boolean) => setExpanded((e) => {
    const n = new Set(e);
    if (open ?? !n.has(path)) n.add(path); else n.delete(path);
    return n;
  }), []);
  const onSelect = useCallback((path: string) => {
    setSelectedPath(path);
    const f = fieldAt(view.fields, path);
    // A field in another source (a reassembled message) switches the hex view to it.
    if (f && !f.generated && f.source !== source?.id) {
      const i = view.sources.findIndex((s) => s.id === f.source);
      if (i >= 0) setSourceIdx(i);
    }
  }, [view, source]);
  const onByteClick = useCallback((offset: number) => {
    const hit = index.at(offset);
    if (!hit) return;
    const path = hit.path.join('.');
    // Open every ancestor so the field is visible in the tree.
    setExpanded((e) => { const n = new Set(e); for (let i = 1; i < hit.path.length; i++) n.add(hit.path.slice(0, i).join('.')); return n; });
    setSelectedPath(path);
  }, [index]);

  return (
    <div className="view-panel">
      <div className="fp-strip">
        {Object.entries(view.fingerprints).map(([k, v]) => (
          <div key={k} className="fp" data-fp={k}>
            <span className="fp-name">{k}</span>
            <code className="fp-value" title={v}>{v}</code>
            <CopyButton text={v} what={k} />
          </div>
        ))}
        {view.client !== undefined ? <KnownClientBox view={view} /> : null}
        {view.problems.length ? <div className="problems" role="status">{view.problems.map((p, i) => <div key={i} className={`problem ${p.severity}`}>{p.message}</div>)}</div> : null}
      </div>
      <div className="split-row">
        <div className="pane" style={{ flexBasis: `${share * 100}%` }}>
          <div className="pane-tabs" role="tablist">
            <button role="tab" aria-selected={left === 'fields'} className={left === 'fields' ? 'active' : ''} onClick={() => setLeft('fields')}>Fields</button>
            <button role="tab" aria-selected={left === 'breakdown'} className={left === 'breakdown' ? 'active' : ''} onClick={() => setLeft('breakdown')} disabled={!breakdowns.length} data-testid="breakdown-tab">Breakdown{breakdowns.length ? ` (${breakdowns.map((b) => b.title).join(', ')})` : ''}</button>
          </div>
          {left === 'fields'
            ? <FieldTree rows={rows} selectedPath={selectedPath} onSelect={onSelect} onToggle={onToggle} onHover={setHoverField} />
            : <BreakdownPanel methods={breakdowns} onHoverRefs={setHoverRefs} />}
        </div>
        <Splitter direction="row" onResize={setShare} />
        <div className="pane hex-pane" style={{ flexBasis: `${(1 - share) * 100}%` }}>
          <div className="hex-head">
            {view.sources.length > 1 ? (
              <select value={sourceIdx} onChange={(e) => setSourceIdx(Number(e.target.value))} aria-label="Byte source">
                {view.sources.map((s, i) => <option key={s.id} value={i}>{s.label} ({s.hex.length / 2} bytes)</option>)}
              </select>
            ) : <span>{source?.label} ({bytes.length} bytes)</span>}
            <span className="hex-status" data-testid="hex-status">
              {(() => {
                const f = hoveredFromHex ?? hoverField ?? selectedField;
                return f ? `${f.label}: bytes ${f.start}–${f.start + f.length - 1} (${f.length})` : `${source?.boundaries.filter((b) => b.kind === 'segment').length ?? 0} segments, ${source?.boundaries.filter((b) => b.kind === 'record').length ?? 0} records`;
              })()}
            </span>
          </div>
          <div className="boundaries">
            {source?.boundaries.map((b, i) => <span key={i} className={`boundary ${b.kind}`} title={b.label} onMouseEnter={() => setHoverField({ key: 'boundary', label: b.label, source: source.id, start: b.at, length: b.length, display: '' })} onMouseLeave={() => setHoverField(null)}>{b.kind === 'segment' ? '▮' : '▭'} {b.label.replace(/ \(.*\)$/, '')}</span>)}
          </div>
          <HexView bytes={bytes} boundaries={source?.boundaries ?? []} selected={rangeOf(selectedField)} hovered={hovered} onByteClick={onByteClick} onByteHover={setHoverByte} />
        </div>
      </div>
    </div>
  );
}
