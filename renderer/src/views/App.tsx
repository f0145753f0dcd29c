// The window: source tabs, the active source's bar and connections table, and the dissection
// of the focused connection below, with a draggable divider. Captures open by drag-and-drop
// anywhere on the window, Ctrl/Cmd+O, or File > Open; Ctrl/Cmd+F focuses the filter.
import { useEffect, useRef, useState } from 'react';
import { Splitter } from '../components/Splitter.js';
import { ConnectionsTable } from './ConnectionsTable.js';
import { DissectionPane } from './DissectionPane.js';
import { SourceBar } from './SourceBar.js';
import { SourceTabs } from './SourceTabs.js';
import { DiffView } from './DiffView.js';
import { PlaygroundView } from './PlaygroundView.js';
import { LabelDialog } from './LabelDialog.js';
import type { Mode } from '../stores/app-store.js';

const MODES: [Mode, string, string][] = [['inspect', 'Inspect', 'Sources, connections and their dissection'], ['diff', 'Diff', 'Why two fingerprints differ'], ['playground', 'Playground', 'Type a ClientHello or an HTTP request']];
import { useApp, useAppState } from '../stores/use-store.js';

const CAPTURE_EXT = /\.(pcap|pcapng|cap|ntar)(\.gz)?$/i;

/** An NSS key log (SSLKEYLOGFILE): text lines of CLIENT_RANDOM or *_TRAFFIC_SECRET with hex. */
async function isKeylog(file: File): Promise<boolean> {
  if (file.size > 64 << 20) return false;
  const head = await file.slice(0, 4096).text().catch(() => '');
  return /^(CLIENT_RANDOM|CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_TRAFFIC_SECRET_0|SERVER_TRAFFIC_SECRET_0|EXPORTER_SECRET) [0-9a-fA-F]{64} [0-9a-fA-F]+\s*$/m.test(head);
}

export function App() {
  const { store, api } = useApp();
  const state = useAppState();
  const filterRef = useRef<HTMLInputElement>(null);
  const [share, setShare] = useState(0.48);
  const [dragging, setDragging] = useState(false);
  const source = state.sources.find((s) => s.info.id === state.activeId) ?? state.sources[0]!;

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      const k = e.key.toLowerCase();
      if (k === 'o') { e.preventDefault(); void store.chooseCapture(); }
      else if (k === 'f' && store.getState().mode === 'inspect') { e.preventDefault(); filterRef.current?.focus(); filterRef.current?.select(); }
    };
    // Dropping a file anywhere opens it; the window itself never navigates to a dropped file.
    let depth = 0;
    const onDragEnter = (e: DragEvent): void => { if (e.dataTransfer?.types.includes('Files')) { depth++; setDragging(true); } };
    const onDragLeave = (): void => { depth = Math.max(0, depth - 1); if (!depth) setDragging(false); };
    const onDragOver = (e: DragEvent): void => { e.preventDefault(); if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'; };
    const onDrop = (e: DragEvent): void => {
      e.preventDefault();
      depth = 0;
      setDragging(false);
      void (async () => {
        const files = Array.from(e.dataTransfer?.files ?? []);
        const keylogs: string[] = [], captures: { name: string; path: string }[] = [];
        for (const file of files) {
          const path = api.pathForFile(file);
          if (!path) { store.notify('error', `${file.name}: cannot open a file that is not on this computer's disk`); continue; }
          if (await isKeylog(file)) keylogs.push(path); else captures.push({ name: file.name, path });
        }
        const keylog = keylogs[0];
        // A key log dropped alone reopens the capture on screen with it.
        const active = store.source(store.getState().activeId);
        if (keylog && !captures.length) {
          if (active?.info.kind === 'capture' && active.info.path) void store.openPath(active.info.path, keylog);
          else store.notify('info', 'A key log decrypts a capture: drop it together with the capture, or on an open capture.');
        }
        for (const c of captures) {
          // Any file is tried: the main side reads its first bytes and says what it is if not a capture.
          if (!CAPTURE_EXT.test(c.name)) store.notify('info', `${c.name}: not a .pcap/.pcapng/.cap name; trying it anyway`);
          void store.openPath(c.path, keylog);
        }
      })();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('dragenter', onDragEnter);
    window.addEventListener('dragleave', onDragLeave);
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('dragenter', onDragEnter);
      window.removeEventListener('dragleave', onDragLeave);
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDrop);
    };
  }, [api, store]);

  return (
    <div className="app">
      <header className="top">
        <div className="brand">Helloscope</div>
        <nav className="modes" role="tablist" aria-label="Views">
          {MODES.map(([m, label, title]) => <button key={m} role="tab" aria-selected={state.mode === m} className={state.mode === m ? 'active' : ''} title={title} onClick={() => store.setMode(m)} data-mode={m}>{label}</button>)}
        </nav>
        {state.mode === 'inspect' ? <SourceTabs /> : <div className="spacer" />}
        <button className="primary" onClick={() => void store.chooseCapture()} title="Open a capture (Ctrl/Cmd+O), or drop one on the window">Open capture…</button>
      </header>
      <div className="notices" aria-live="polite">
        {state.notices.map((n) => (
          <div key={n.id} className={`notice ${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'} data-testid={`notice-${n.kind}`}>
            <span>{n.text}</span>
            <button className="icon" aria-label="Dismiss" onClick={() => store.dismiss(n.id)}>×</button>
          </div>
        ))}
      </div>
      {state.mode === 'inspect' ? (
        <>
          <SourceBar source={source} />
          <main className="split-col">
            <section className="pane" style={{ flexBasis: `${share * 100}%` }}>
              <ConnectionsTable key={source.info.id} source={source} filterRef={filterRef} />
            </section>
            <Splitter direction="column" onResize={setShare} />
            <section className="pane" style={{ flexBasis: `${(1 - share) * 100}%` }}>
              <DissectionPane sourceId={source.info.id} connectionId={source.focused} />
            </section>
          </main>
        </>
      ) : state.mode === 'diff' ? <DiffView /> : <PlaygroundView />}
      <LabelDialog />
      {dragging ? <div className="drop-overlay">Drop a .pcap or .pcapng capture to open it</div> : null}
    </div>
  );
}
