// A fingerprint explained: the string with each part coloured, form toggles (hashed, raw,
// original order), every part with what it means, and its inputs with IANA names, what was
// removed and why, and the exact hash input. Hovering a part or an item highlights its bytes.
import { useState } from 'react';
import type { BreakdownPart, ByteRef, FingerprintBreakdown } from '../../../core/explain/breakdown.js';
import type { MethodBreakdowns } from '../lib/breakdowns.js';
import { CopyButton } from './CopyButton.js';

const PART_CLASS = (id: string): string => `part-${id.split('.')[0]}`;

/** Where each top-level part sits in the string: its literal span, or (hashed forms) its `_`-separated piece. */
function layout(b: FingerprintBreakdown): { part: BreakdownPart | undefined; start: number; end: number }[] {
  const top = b.parts.filter((p) => !p.id.includes('.'));
  if (top.every((p) => p.span)) return top.map((p) => ({ part: p, start: p.span!.start, end: p.span!.start + p.span!.length }));
  const out: { part: BreakdownPart | undefined; start: number; end: number }[] = [];
  let at = 0;
  b.value.split('_').forEach((piece, i) => { out.push({ part: top[i], start: at, end: at + piece.length }); at += piece.length + 1; });
  return out;
}

function Fingerprint({ b, hovered, onHover }: { b: FingerprintBreakdown; hovered: string | null; onHover(p: BreakdownPart | null): void }) {
  const out: React.ReactNode[] = [];
  let at = 0;
  for (const { part, start, end } of layout(b)) {
    if (start > at) out.push(<span key={`g${at}`}>{b.value.slice(at, start)}</span>);
    out.push(<span key={`p${start}`} className={`fp-part ${part ? PART_CLASS(part.id) : ''}${part && hovered === part.id ? ' hot' : ''}`} data-part={part?.id} onMouseEnter={() => onHover(part ?? null)} onMouseLeave={() => onHover(null)}>{b.value.slice(start, end)}</span>);
    at = end;
  }
  if (at < b.value.length) out.push(<span key="tail">{b.value.slice(at)}</span>);
  return <code className="fp-big" data-testid="breakdown-value">{out}</code>;
}

export function BreakdownPanel({ methods, onHoverRefs }: { methods: MethodBreakdowns[]; onHoverRefs(refs: ByteRef[] | null): void }) {
  const [forms, setForms] = useState<Record<string, string>>({});
  const [hoveredPart, setHoveredPart] = useState<string | null>(null);
  if (!methods.length) return <div className="empty-pane">No fingerprint to explain in this view.</div>;
  const hoverPart = (p: BreakdownPart | null): void => { setHoveredPart(p?.id ?? null); onHoverRefs(p ? p.refs.concat((p.items ?? []).flatMap((i) => i.refs)) : null); };
  return (
    <div className="breakdown" data-testid="breakdown">
      {methods.map((m) => {
        const current = m.forms.find((f) => f.form === (forms[m.title] ?? m.forms[0]!.form)) ?? m.forms[0]!;
        const b = current.breakdown;
        return (
          <section key={m.title} className="bd-method" data-method={m.method}>
            <header>
              <h3>{m.title}</h3>
              <div className="toggles" role="radiogroup" aria-label={`${m.title} form`}>
                {m.forms.map((f) => <button key={f.form} role="radio" aria-checked={f.form === current.form} className={f.form === current.form ? 'on' : ''} onClick={() => setForms((x) => ({ ...x, [m.title]: f.form }))} data-form={f.form}>{f.form}</button>)}
              </div>
            </header>
            <div className="bd-value"><Fingerprint b={b} hovered={hoveredPart} onHover={hoverPart} /><CopyButton text={b.value} what={current.form} /></div>
            {b.hashInput !== undefined ? <div className="bd-hash">MD5 of <code>{b.hashInput}</code> = <code>{b.hash}</code></div> : null}
            <div className="bd-parts">
              {b.parts.map((p) => (
                <div key={p.id} className={`bd-part ${PART_CLASS(p.id)}${p.id.includes('.') ? ' sub' : ''}${hoveredPart === p.id ? ' hot' : ''}`} data-part={p.id}
                  onMouseEnter={() => hoverPart(p)} onMouseLeave={() => hoverPart(null)}>
                  <div className="bd-head"><span className="bd-id">{p.id}</span> <span className="bd-label">{p.label}</span> <code className="bd-val">{p.value}</code></div>
                  <div className="bd-expl">{p.explanation}</div>
                  {p.hashInput !== undefined ? <div className="bd-hash">hash input <code>{p.hashInput || '(empty)'}</code>{p.hash ? <> → <code>{p.hash}</code></> : null}</div> : null}
                  {p.items?.length ? (
                    <div className="bd-items">
                      {p.items.map((it, i) => (
                        <div key={i} className={`bd-item${it.removed ? ' removed' : ''}`} data-item={it.text} title={it.removed ? it.removed.reason : it.explanation}
                          onMouseEnter={(e) => { e.stopPropagation(); setHoveredPart(p.id); onHoverRefs(it.refs); }} onMouseLeave={() => hoverPart(p)}>
                          <code>{it.text}</code> <span>{it.label}</span>{it.removed ? <em> removed: {it.removed.reason}</em> : null}
                        </div>
                      ))}
                    </div>
                  ) : null}
                </div>
              ))}
            </div>
          </section>
        );
      })}
    </div>
  );
}
