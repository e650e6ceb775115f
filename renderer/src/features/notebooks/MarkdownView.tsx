import type { ReactNode } from 'react';

/** Inline Markdown: `code`, **bold**, *italic* — as React text, never as HTML. */
function inline(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  const re = /(`[^`]+`|\*\*[^*]+\*\*|\*[^*]+\*)/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const t = m[0];
    const key = out.length;
    if (t.startsWith('`')) out.push(<code key={key}>{t.slice(1, -1)}</code>);
    else if (t.startsWith('**')) out.push(<strong key={key}>{t.slice(2, -2)}</strong>);
    else out.push(<em key={key}>{t.slice(1, -1)}</em>);
    last = m.index + t.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** A Markdown cell as notes read: headings, paragraphs and lists (what notebooks hold; no HTML passes through). */
export function MarkdownView({ source }: { source: string }) {
  const blocks = source.split(/\n{2,}/);
  return (
    <div className="markdown">
      {blocks.map((b, i) => {
        const h = /^(#{1,3}) (.*)$/.exec(b);
        if (h) {
          const Tag = (['h3', 'h4', 'h5'] as const)[h[1]!.length - 1]!;
          return <Tag key={i}>{inline(h[2]!)}</Tag>;
        }
        const lines = b.split('\n');
        if (lines.every((l) => /^[-*] /.test(l)))
          return (
            <ul key={i}>
              {lines.map((l, j) => (
                <li key={j}>{inline(l.slice(2))}</li>
              ))}
            </ul>
          );
        return <p key={i}>{inline(b.replace(/\n/g, ' '))}</p>;
      })}
    </div>
  );
}
