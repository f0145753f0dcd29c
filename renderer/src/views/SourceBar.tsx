// What sits above the table for the active source: the listener's controls, or a capture's
// progress, cancel button, warnings and error.
import { useState } from 'react';
import type { SourceState } from '../stores/app-store.js';
import { LISTENER_ID } from '../stores/app-store.js';
import { errorText } from '../gateway.js';
import { formatBytes } from '../lib/rows.js';
import { CopyButton } from '../components/CopyButton.js';
import { useApp, useAppState } from '../stores/use-store.js';

function ListenerBar() {
  const { api, store } = useApp();
  const { listener } = useAppState();
  const [host, setHost] = useState('127.0.0.1');
  const [port, setPort] = useState('8443');
  const [busy, setBusy] = useState(false);
  const toggle = async (): Promise<void> => {
    setBusy(true);
    try {
      const s = listener.running ? await api.stopListener({}) : await api.startListener({ host: host.trim(), port: Number(port) });
      if (s.error) store.notify('error', `Listener: ${s.error}`);
    } catch (e) {
      store.notify('error', `Listener: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="source-bar" data-testid="listener-bar">
      <label>Host <input value={host} onChange={(e) => setHost(e.target.value)} disabled={listener.running} size={14} aria-label="Listener host" spellCheck={false} /></label>
      <label>Port <input value={port} onChange={(e) => setPort(e.target.value)} disabled={listener.running} size={6} aria-label="Listener port" inputMode="numeric" /></label>
      <button className={listener.running ? 'danger' : 'primary'} onClick={() => void toggle()} disabled={busy} data-testid="listener-toggle">{listener.running ? 'Stop listener' : 'Start listener'}</button>
      {listener.running ? (
        <>
          <span className="status ok" data-testid="listener-url">{listener.url}</span>
          <span className="status" title="SHA-256 of the listener's certificate">cert <code>{listener.certSha256?.slice(0, 16)}…</code> <CopyButton text={listener.certSha256 ?? ''} what="certificate SHA-256" /></span>
          <span className="status">try <code>curl -k {listener.url}fps</code></span>
          {listener.host && !/^(127\.|::1$|localhost$)/.test(listener.host) ? <span className="status warn">reachable from other machines</span> : null}
        </>
      ) : <span className="status">Any client that connects is told its own JA3, JA4 and JA4H, and appears below.</span>}
      <span className="status count" data-testid="listener-count">{listener.count} observed</span>
    </div>
  );
}

function CaptureBar({ source }: { source: SourceState }) {
  const { api } = useApp();
  const [showWarnings, setShowWarnings] = useState(false);
  const p = source.progress;
  return (
    <div className="source-bar">
      <span className="status" title={source.info.path}>{source.info.path}</span>
      {source.info.keylogPath ? <span className="status ok" title={source.info.keylogPath}>decrypting with {source.info.keylogPath.split(/[\\/]/).pop()}</span> : <span className="status" title="Drop an NSS key log (SSLKEYLOGFILE) on the window to decrypt this capture's TLS and see the HTTP inside">no key log</span>}
      {p && !p.done ? (
        <>
          <progress max={p.total || 1} value={p.bytesRead} aria-label="Reading progress" />
          <span className="status">{formatBytes(p.bytesRead)} / {formatBytes(p.total)} · {p.connections} connections</span>
          <button onClick={() => void api.cancelCapture({ sourceId: source.info.id })}>Cancel</button>
        </>
      ) : p ? <span className="status">{p.cancelled ? 'Cancelled at' : 'Read'} {formatBytes(p.bytesRead)} · {p.connections} connections</span> : null}
      {source.error ? <span className="status error" role="alert" data-testid="source-error">{source.error}</span> : null}
      {source.warnings.length ? <button className="warn" onClick={() => setShowWarnings((x) => !x)}>{source.warnings.length} warning{source.warnings.length === 1 ? '' : 's'}</button> : null}
      {showWarnings ? <div className="warnings">{source.warnings.map((w, i) => <div key={i}>{w}</div>)}</div> : null}
    </div>
  );
}

export function SourceBar({ source }: { source: SourceState }) {
  return source.info.id === LISTENER_ID ? <ListenerBar /> : <CaptureBar source={source} />;
}
