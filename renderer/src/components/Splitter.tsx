// A draggable divider between two panes; `size` is the first pane's share (0..1).
import { useCallback, useRef } from 'react';

export function Splitter({ direction, onResize, min = 0.15, max = 0.85 }: { direction: 'row' | 'column'; onResize: (share: number) => void; min?: number; max?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const onPointerDown = useCallback((e: React.PointerEvent) => {
    const parent = ref.current?.parentElement;
    if (!parent) return;
    e.preventDefault();
    const rect = parent.getBoundingClientRect();
    const move = (ev: PointerEvent): void => {
      const share = direction === 'row' ? (ev.clientX - rect.left) / rect.width : (ev.clientY - rect.top) / rect.height;
      onResize(Math.min(max, Math.max(min, share)));
    };
    const up = (): void => { window.removeEventListener('pointermove', move); window.removeEventListener('pointerup', up); };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  }, [direction, onResize, min, max]);
  return <div ref={ref} className={`splitter splitter-${direction}`} role="separator" aria-orientation={direction === 'row' ? 'vertical' : 'horizontal'} onPointerDown={onPointerDown} />;
}
