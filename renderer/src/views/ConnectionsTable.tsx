// The connections of one source: a virtualized, sortable, filterable table with multi-select,
// copy and export. Only visible rows are in the DOM, so 100,000+ rows scroll smoothly.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { ConnectionRow } from '../../../core/api.js';
import { copyText } from '../lib/clipboard.js';
import { compileFilter, formatTime, hostPort, ja4Counts, visibleIds, type SortKey, type SortSpec } from '../lib/rows.js';
import type { SourceState } from '../stores/app-store.js';
import { useApp } from '../stores/use-store.js';

const ROW_HEIGHT = 24;

interface Column { key: SortKey; title: string; width: string; cell(r: ConnectionRow, seen: ReadonlyMap<string, number>, total: number): string; mono?: boolean; tip?: string }

const COLUMNS: Column[] = [
  { key: 'time', title: 'Time', width: '118px', cell: (r) => formatTime(r.time_us), mono: true },
  { key: 'src', title: 'Client', width: 'minmax(140px, 1fr)', cell: (r) => hostPort(r.src, r.src_port), mono: true },
  { key: 'dst', title: 'Server', width: 'minmax(140px, 1fr)', cell: (r) => hostPort(r.dst, r.dst_port), mono: true },
  { key: 'transport', title: 'Proto', width: '64px', cell: (r) => (r.protocol === 'other' ? r.transport : r.protocol) },
  { key: 'sni', title: 'SNI', width: 'minmax(110px, 1fr)', cell: (r) => r.sni ?? '' },
  { key: 'alpn', title: 'ALPN', width: '90px', cell: (r) => r.alpn ?? '' },
  { key: 'ja4', title: 'JA4', width: '290px', cell: (r) => r.ja4 ?? '', mono: true },
  { key: 'ja3', title: 'JA3', width: '260px', cell: (r) => r.ja3 ?? '', mono: true },
  { key: 'ja4h', title: 'JA4H', width: '250px', cell: (r) => r.ja4h ?? '', mono: true },
  { key: 'ja4s', title: 'JA4S', width: '200px', cell: (r) => r.ja4s ?? '', mono: true },
  { key: 'hellos', title: 'Hellos', width: '54px', cell: (r) => (r.hellos ? String(r.hellos) : '') },
  { key: 'client', title: 'Known client', width: 'minmax(150px, 1fr)', cell: (r) => (r.client ? `${r.client.label}${r.client.exact ? '' : ` (~${Math.round(r.client.confidence * 100)}%)`}` : '') },
  { key: 'seen', title: 'JA4 seen', width: '96px', tip: 'How many connections of this source have the same JA4 (and their share): 1 is unique here', cell: (r, seen, total) => { const n = r.ja4 ? seen.get(r.ja4) ?? 0 : 0; return n ? `${n} (${((n / Math.max(1, total)) * 100).toFixed(n / total < 0.01 ? 2 : 0)}%)` : ''; } },
];
const GRID = COLUMNS.map((c) => c.width).join(' ');

const COPYABLE: [string, (r: ConnectionRow) => string | null][] = [['JA4', (r) => r.ja4], ['JA4_r', (r) => r.ja4_r], ['JA3', (r) => r.ja3], ['JA4H', (r) => r.ja4h], ['JA4S', (r) => r.ja4s], ['SNI', (r) => r.sni]];

const Row = memo(function Row({ r, selected, focused, top, seen, total, onMouseDown, onContextMenu }: { r: ConnectionRow; selected: boolean; focused: boolean; top: number; seen: ReadonlyMap<string, number>; total: number; onMouseDown(e: React.MouseEvent, id: number): void; onContextMenu(e: React.MouseEvent, id: number): void }) {
  return (
    <div role="row" aria-selected={selected} className={`row${selected ? ' selected' : ''}${focused ? ' focused' : ''}${r.problems ? ' has-problems' : ''}`}
      style={{ gridTemplateColumns: GRID, transform: `translateY(${top}px)`, height: ROW_HEIGHT }} data-row={r.id}
      onMouseDown={(e) => onMouseDown(e, r.id)} onContextMenu={(e) => onContextMenu(e, r.id)}>
      {COLUMNS.map((c) => { const t = c.cell(r, seen, total); return <div key={c.key} role="gridcell" className={`cell${c.mono ? ' mono' : ''}`} data-col={c.key} title={t}>{t}</div>; })}
    </div>
  );
});

export function ConnectionsTable({ source, filterRef }: { source: SourceState; filterRef: React.RefObject<HTMLInputElement | null> }) {
  const { store, api } = useApp();
  const [filterText, setFilterText] = useState('');
  const [sort, setSort] = useState<SortSpec | null>(null);
  const [format, setFormat] = useState<'ndjson' | 'json'>('ndjson');
  const [menu, setMenu] = useState<{ x: number; y: number; id: number } | null>(null);
  const filter = useMemo(() => compileFilter(filterText), [filterText]);
  // While a large capture streams in, the filtered/sorted order is recomputed at most every
  // 300 ms; with no filter and no sort the order is the ids themselves and costs nothing.
  const [orderVersion, setOrderVersion] = useState(source.version);
  useEffect(() => {
    const t = setTimeout(() => setOrderVersion(source.version), source.progress?.done === false ? 300 : 0);
    return () => clearTimeout(t);
  }, [source.version, source.progress?.done]);
  // JA4 counts for the "seen" column: recomputed with the order (at most every 300 ms while loading).
  const [seen, seenTotal] = useMemo(() => [ja4Counts(source.rows), source.rows.length] as const, [orderVersion, source.rows]); // eslint-disable-line react-hooks/exhaustive-deps
  const order = useMemo(() => (!filter && !sort ? null : visibleIds(source.rows, filter, sort, seen)), [orderVersion, filter, sort, source.rows, seen]); // eslint-disable-line react-hooks/exhaustive-deps
  const count = order ? order.length : source.rows.length;
  const idAt = (i: number): number => (order ? order[i]! : i);
  const parent = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count, getScrollElement: () => parent.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const ids = (): number[] => (order ? order : Array.from({ length: source.rows.length }, (_, i) => i));

  useEffect(() => {
    if (source.focused === null) return;
    const i = order ? order.indexOf(source.focused) : source.focused;
    if (i >= 0) v.scrollToIndex(i, { align: 'auto' });
  }, [source.focused]); // eslint-disable-line react-hooks/exhaustive-deps

  const onMouseDown = (e: React.MouseEvent, id: number): void => {
    if (e.button !== 0) return;
    store.select(source.info.id, id, e.shiftKey ? 'range' : e.ctrlKey || e.metaKey ? 'toggle' : 'one', e.shiftKey ? ids() : undefined);
    parent.current?.focus();
  };
  const onContextMenu = (e: React.MouseEvent, id: number): void => {
    e.preventDefault();
    if (!source.selected.has(id)) store.select(source.info.id, id, 'one');
    setMenu({ x: e.clientX, y: e.clientY, id });
  };
  const selectedRows = (): ConnectionRow[] => [...source.selected].sort((a, b) => a - b).map((id) => source.rows[id]).filter((r): r is ConnectionRow => !!r);
  const copyColumn = (get: (r: ConnectionRow) => string | null): void => {
    void copyText(selectedRows().map(get).filter((x): x is string => !!x).join('\n'));
    setMenu(null);
  };
  const onKeyDown = (e: React.KeyboardEvent): void => {
    const list = ids();
    if (!list.length) return;
    const at = source.focused === null ? -1 : list.indexOf(source.focused);
    const move = (to: number): void => { const id = list[Math.max(0, Math.min(list.length - 1, to))]!; store.select(source.info.id, id, e.shiftKey ? 'range' : 'one', list); };
    if (e.key === 'ArrowDown') move(at + 1);
    else if (e.key === 'ArrowUp') move(at < 0 ? 0 : at - 1);
    else if (e.key === 'PageDown') move(at + 20);
    else if (e.key === 'PageUp') move(at - 20);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(list.length - 1);
    else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'c') copyColumn((r) => r.ja4);
    else return;
    e.preventDefault();
  };
  const doExport = async (): Promise<void> => {
    const sel = [...source.selected].sort((a, b) => a - b);
    try {
      const r = await api.exportConnections({ sourceId: source.info.id, ids: sel.length ? sel : ids(), format });
      if (r.path) store.notify('info', `Exported ${r.count} connection${r.count === 1 ? '' : 's'} to ${r.path}`);
    } catch (e) {
      store.notify('error', (e as Error).message);
    }
  };
  const toggleSort = (key: SortKey): void => setSort((s) => (s?.key !== key ? { key, dir: 1 } : s.dir === 1 ? { key, dir: -1 } : null));

  return (
    <div className="connections" onClick={() => menu && setMenu(null)}>
      <div className="table-tools">
        <input ref={filterRef} className="filter" type="search" placeholder="Filter: text in any fingerprint, SNI or address; or ja4:t13d sni:example src:10.0. port:443" value={filterText} onChange={(e) => setFilterText(e.target.value)} aria-label="Filter connections" spellCheck={false} />
        <span className="count" data-testid="row-count">{filter ? `${count} of ${source.rows.length}` : `${count} connection${count === 1 ? '' : 's'}`}{source.selected.size > 1 ? ` · ${source.selected.size} selected` : ''}</span>
        {source.selected.size === 2 ? <button onClick={() => { const [a, b] = [...source.selected].sort((x, y) => x - y); store.diffConnections({ sourceId: source.info.id, id: a! }, { sourceId: source.info.id, id: b! }); }} data-testid="diff-selected" title="Why do the two selected connections' fingerprints differ?">Diff the two selected</button> : null}
        <select value={format} onChange={(e) => setFormat(e.target.value as 'ndjson' | 'json')} aria-label="Export format"><option value="ndjson">NDJSON</option><option value="json">JSON</option></select>
        <button onClick={() => void doExport()} disabled={!count} title="Export the selected connections (all shown when none is selected)">Export{source.selected.size ? ' selection' : ''}…</button>
      </div>
      <div className="grid-head" style={{ gridTemplateColumns: GRID }} role="row">
        {COLUMNS.map((c) => (
          <div key={c.key} role="columnheader" className="cell" data-sort={c.key} title={c.tip} aria-sort={sort?.key === c.key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'} onClick={() => toggleSort(c.key)}>
            {c.title}{sort?.key === c.key ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
          </div>
        ))}
      </div>
      <div className="grid-body" ref={parent} tabIndex={0} role="grid" aria-rowcount={count} onKeyDown={onKeyDown} data-testid="connections">
        <div style={{ height: v.getTotalSize(), position: 'relative' }}>
          {v.getVirtualItems().map((item) => {
            const r = source.rows[idAt(item.index)];
            return r ? <Row key={r.id} r={r} top={item.start} seen={seen} total={seenTotal} selected={source.selected.has(r.id)} focused={source.focused === r.id} onMouseDown={onMouseDown} onContextMenu={onContextMenu} /> : null;
          })}
        </div>
        {count === 0 ? <div className="empty-table">{source.rows.length ? 'No connection matches the filter.' : source.info.kind === 'listener' ? 'Start the listener and point a client at it: its connections appear here live.' : source.progress?.done ? 'No TLS, QUIC, DTLS, HTTP or SSH conversation in this capture.' : 'Reading…'}</div> : null}
      </div>
      {menu ? (
        <div className="menu" style={{ left: menu.x, top: menu.y }} role="menu">
          {COPYABLE.map(([name, get]) => <button key={name} role="menuitem" onClick={() => copyColumn(get)}>Copy {name}{source.selected.size > 1 ? ` (${source.selected.size})` : ''}</button>)}
          <button role="menuitem" onClick={() => { void copyText(selectedRows().map((r) => JSON.stringify(r)).join('\n')); setMenu(null); }}>Copy row as JSON</button>
          {(() => { const r = source.rows[menu.id]; return r?.ja4 ? <button role="menuitem" onClick={() => { store.openLabeling({ ja4: r.ja4!, ...(r.ja4_r ? { ja4_r: r.ja4_r } : {}), ...(r.ja3 ? { ja3: r.ja3 } : {}), suggestion: r.client?.label ?? '' }); setMenu(null); }}>Label this client…</button> : null; })()}
          <hr />
          {(['a', 'b'] as const).map((w) => <button key={w} role="menuitem" onClick={() => { const s = store.connectionSlot(source.info.id, menu.id); if (s) store.setDiffSlot(w, s); setMenu(null); }}>Set as diff side {w.toUpperCase()}</button>)}
        </div>
      ) : null}
    </div>
  );
}
