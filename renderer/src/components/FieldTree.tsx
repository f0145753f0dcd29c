// The protocol tree: every field with its label and display value, GREASE and problems marked,
// byte range on each row. Hover highlights a field's bytes; click or arrow keys select it;
// Right/Left expand and collapse. Expansion is keyed by the field's path.
import { memo, useEffect, useMemo, useRef } from 'react';
import type { Field } from '../../../core/dissect/field.js';

export interface TreeRow { field: Field; path: string; depth: number; hasChildren: boolean; open: boolean }

export function flattenTree(fields: readonly Field[], expanded: ReadonlySet<string>): TreeRow[] {
  const out: TreeRow[] = [];
  const go = (list: readonly Field[], prefix: string, depth: number): void => {
    list.forEach((f, i) => {
      const path = prefix ? `${prefix}.${i}` : String(i);
      const hasChildren = !!f.children?.length;
      const open = hasChildren && expanded.has(path);
      out.push({ field: f, path, depth, hasChildren, open });
      if (open) go(f.children!, path, depth + 1);
    });
  };
  go(fields, '', 0);
  return out;
}

interface Props {
  rows: readonly TreeRow[];
  selectedPath: string | null;
  onSelect(path: string): void;
  onToggle(path: string, open?: boolean): void;
  onHover(field: Field | null): void;
}

export const FieldTree = memo(function FieldTree({ rows, selectedPath, onSelect, onToggle, onHover }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const index = useMemo(() => new Map(rows.map((r, i) => [r.path, i])), [rows]);
  useEffect(() => {
    if (!selectedPath) return;
    ref.current?.querySelector(`[data-path="${selectedPath}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selectedPath]);
  const onKeyDown = (e: React.KeyboardEvent): void => {
    const i = selectedPath ? index.get(selectedPath) ?? -1 : -1;
    const row = rows[i];
    if (e.key === 'ArrowDown') { const n = rows[Math.min(rows.length - 1, i + 1)]; if (n) onSelect(n.path); }
    else if (e.key === 'ArrowUp') { const n = rows[Math.max(0, i - 1)]; if (n) onSelect(n.path); }
    else if (e.key === 'ArrowRight' && row?.hasChildren) onToggle(row.path, true);
    else if (e.key === 'ArrowLeft' && row) {
      if (row.hasChildren) onToggle(row.path, false);
      else { const up = row.path.split('.').slice(0, -1).join('.'); if (up) onSelect(up); }
    } else return;
    e.preventDefault();
  };
  return (
    <div className="tree" ref={ref} tabIndex={0} role="tree" onKeyDown={onKeyDown} onMouseLeave={() => onHover(null)} data-testid="field-tree">
      {rows.map((r) => {
        const f = r.field;
        const problems = f.problems ?? [];
        return (
          <div key={r.path} role="treeitem" aria-selected={r.path === selectedPath} aria-expanded={r.hasChildren ? r.open : undefined}
            className={`node${r.path === selectedPath ? ' selected' : ''}${problems.some((p) => p.severity === 'error') ? ' has-error' : ''}`}
            style={{ paddingLeft: 6 + r.depth * 14 }} data-path={r.path} data-key={f.key} data-start={f.start} data-length={f.length} data-source={f.source}
            onMouseEnter={() => onHover(f)} onClick={() => onSelect(r.path)} onDoubleClick={() => r.hasChildren && onToggle(r.path)}>
            <span className="twisty" onClick={(e) => { e.stopPropagation(); if (r.hasChildren) onToggle(r.path); }}>{r.hasChildren ? (r.open ? '▾' : '▸') : ''}</span>
            <span className="label">{f.label}</span>
            {f.display ? <span className="display">: {f.display}</span> : null}
            {f.grease ? <span className="badge grease" title="GREASE value (RFC 8701): ignored by JA3 and JA4">GREASE</span> : null}
            {f.generated ? <span className="badge gen" title="Computed, not read from the bytes">generated</span> : null}
            {problems.map((p, k) => <span key={k} className={`badge problem ${p.severity}`} title={p.message}>{p.code}</span>)}
            <span className="range">{f.generated ? '' : `${f.start}–${f.start + f.length} (${f.length})`}</span>
          </div>
        );
      })}
    </div>
  );
});
