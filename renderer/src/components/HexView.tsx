// The hex pane: offset, 16 bytes and their ASCII per row, rendering only the visible rows.
// Bytes of the highlighted range (hovered or selected field) are marked; a click on a byte
// reports its offset (the caller finds the field). TCP segment and TLS record starts are
// marked on the byte where they begin, with their description as a tooltip.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef } from 'react';
import type { ByteBoundary } from '../../../core/api.js';

const PER_ROW = 16;
const ROW_HEIGHT = 20;

export interface ByteRange { start: number; length: number }

interface Props {
  bytes: Uint8Array;
  boundaries: readonly ByteBoundary[];
  selected: ByteRange | null;
  /** Ranges to highlight as hovered (a field, or every byte a breakdown element came from). */
  hovered: readonly ByteRange[];
  onByteClick(offset: number): void;
  onByteHover(offset: number | null): void;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const printable = (b: number): string => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');
const inRange = (r: ByteRange | null, i: number): boolean => !!r && i >= r.start && i < r.start + r.length;
const inAny = (rs: readonly ByteRange[], i: number): boolean => rs.some((r) => inRange(r, i));

export const HexView = memo(function HexView({ bytes, boundaries, selected, hovered, onByteClick, onByteHover }: Props) {
  const parent = useRef<HTMLDivElement>(null);
  const rows = Math.ceil(bytes.length / PER_ROW);
  const v = useVirtualizer({ count: rows, getScrollElement: () => parent.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });
  // Offsets where a segment or record starts, with the tooltip text.
  const marks = useMemo(() => {
    const m = new Map<number, { seg?: string; rec?: string; segIndex: number }>();
    let seg = 0;
    for (const b of boundaries) {
      const e = m.get(b.at) ?? { segIndex: 0 };
      if (b.kind === 'segment') { e.seg = b.label; e.segIndex = seg++; } else e.rec = b.label;
      m.set(b.at, e);
    }
    return m;
  }, [boundaries]);
  // Which segment each byte belongs to (alternating tint), from the segment boundaries.
  const segmentOf = useMemo(() => {
    const starts = boundaries.filter((b) => b.kind === 'segment').map((b) => b.at).sort((a, b) => a - b);
    return (i: number): number => { let lo = 0, hi = starts.length - 1, ans = -1; while (lo <= hi) { const mid = (lo + hi) >> 1; if (starts[mid]! <= i) { ans = mid; lo = mid + 1; } else hi = mid - 1; } return ans; };
  }, [boundaries]);
  useEffect(() => {
    if (selected) v.scrollToIndex(Math.floor(selected.start / PER_ROW), { align: 'auto' });
  }, [selected?.start]); // eslint-disable-line react-hooks/exhaustive-deps
  // Bring the first hovered byte into view (a breakdown item may point far down the hello).
  const firstHovered = hovered.length ? Math.min(...hovered.map((r) => r.start)) : -1;
  useEffect(() => {
    if (firstHovered >= 0) v.scrollToIndex(Math.floor(firstHovered / PER_ROW), { align: 'auto' });
  }, [firstHovered]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <div className="hex" ref={parent} onMouseLeave={() => onByteHover(null)} data-testid="hex-view">
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((row) => {
          const base = row.index * PER_ROW;
          const cells = [], chars = [];
          for (let i = base; i < Math.min(base + PER_ROW, bytes.length); i++) {
            const mark = marks.get(i);
            const seg = segmentOf(i);
            const cls = ['b', seg % 2 === 1 ? 'seg-odd' : '', inRange(selected, i) ? 'sel' : '', inAny(hovered, i) ? 'hov' : '', mark?.seg ? 'seg-start' : '', mark?.rec ? 'rec-start' : ''].filter(Boolean).join(' ');
            const title = [mark?.seg, mark?.rec].filter(Boolean).join('\n') || undefined;
            cells.push(<span key={i} className={cls} data-offset={i} title={title} onMouseEnter={() => onByteHover(i)} onClick={() => onByteClick(i)}>{HEX[bytes[i]!]}</span>);
            chars.push(<span key={i} className={['c', inRange(selected, i) ? 'sel' : '', inAny(hovered, i) ? 'hov' : ''].filter(Boolean).join(' ')} onMouseEnter={() => onByteHover(i)} onClick={() => onByteClick(i)}>{printable(bytes[i]!)}</span>);
          }
          return (
            <div key={row.key} className="hex-row" style={{ position: 'absolute', top: 0, transform: `translateY(${row.start}px)`, height: ROW_HEIGHT }}>
              <span className="off">{base.toString(16).padStart(6, '0')}</span>
              <span className="bytes">{cells}</span>
              <span className="ascii">{chars}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
});
