// A tab per source: the live listener first, then each opened capture with its progress.
import type { SourceState } from '../stores/app-store.js';
import { LISTENER_ID } from '../stores/app-store.js';
import { useApp, useAppState } from '../stores/use-store.js';

function progressText(s: SourceState): string {
  const p = s.progress;
  if (s.error) return 'error';
  if (!p) return '';
  if (p.cancelled) return `cancelled · ${p.connections}`;
  if (p.done) return String(p.connections);
  return `${p.total ? Math.floor((p.bytesRead / p.total) * 100) : 0}% · ${p.connections}`;
}

export function SourceTabs() {
  const { store } = useApp();
  const state = useAppState();
  return (
    <div className="source-tabs" role="tablist" aria-label="Sources">
      {state.sources.map((s) => {
        const active = s.info.id === state.activeId;
        const p = s.progress;
        const loading = p && !p.done;
        return (
          <div key={s.info.id} role="tab" aria-selected={active} className={`source-tab${active ? ' active' : ''}${s.error ? ' failed' : ''}`} data-source={s.info.id} onClick={() => store.activate(s.info.id)} title={s.info.path ?? s.info.name}>
            <span className="dot">{s.info.id === LISTENER_ID ? (state.listener.running ? '●' : '○') : '▤'}</span>
            <span className="name">{s.info.name}</span>
            <span className="meta">{s.info.id === LISTENER_ID ? String(state.listener.count) : progressText(s)}</span>
            {loading ? <span className="bar" style={{ width: `${p.total ? (p.bytesRead / p.total) * 100 : 0}%` }} /> : null}
            {s.info.id !== LISTENER_ID ? <button className="icon close" title="Close" aria-label={`Close ${s.info.name}`} onClick={(e) => { e.stopPropagation(); void store.closeSource(s.info.id); }}>×</button> : null}
          </div>
        );
      })}
    </div>
  );
}
