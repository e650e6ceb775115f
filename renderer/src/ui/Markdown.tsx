import type { ReactNode } from 'react';
import { parseInline, parseMarkdown, type Block } from './markdown';

function inline(text: string): ReactNode[] {
  return parseInline(text).map((s, i) => {
    if (s.kind === 'code') return <code key={i}>{s.text}</code>;
    if (s.kind === 'strong') return <strong key={i}>{s.text}</strong>;
    if (s.kind === 'em') return <em key={i}>{s.text}</em>;
    // Only links within the page: the workstation fetches nothing, and an address stays text to copy.
    if (s.kind === 'link')
      return s.href.startsWith('#') ? (
        <a key={i} href={s.href}>
          {s.text}
        </a>
      ) : (
        `${s.text} (${s.href})`
      );
    return s.text;
  });
}

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const;

/**
 * Markdown as React elements, never as HTML: headings (each with its id, `headingOffset` levels down where
 * the page already has headings above), paragraphs, lists, tables, code and quotes.
 */
export function Markdown({ source, blocks, headingOffset = 0, className }: { source?: string; blocks?: Block[]; headingOffset?: number; className?: string }) {
  const shown = blocks ?? parseMarkdown(source ?? '');
  return (
    <div className={`markdown${className ? ` ${className}` : ''}`}>
      {shown.map((b, i) => {
        switch (b.kind) {
          case 'heading': {
            const Tag = HEADINGS[Math.min(5, b.level - 1 + headingOffset)]!;
            return (
              <Tag key={i} id={b.id}>
                {inline(b.text)}
              </Tag>
            );
          }
          case 'paragraph':
            return <p key={i}>{inline(b.text)}</p>;
          case 'list': {
            const List = b.ordered ? 'ol' : 'ul';
            return (
              <List key={i}>
                {b.items.map((item, j) => (
                  <li key={j}>{inline(item)}</li>
                ))}
              </List>
            );
          }
          case 'table':
            return (
              <table key={i}>
                <thead>
                  <tr>
                    {b.head.map((h, j) => (
                      <th key={j}>{inline(h)}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {b.rows.map((r, j) => (
                    <tr key={j}>
                      {r.map((c, k) => (
                        <td key={k}>{inline(c)}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            );
          case 'code':
            return (
              <pre key={i}>
                <code>{b.text}</code>
              </pre>
            );
          case 'quote':
            return <blockquote key={i}>{inline(b.text)}</blockquote>;
        }
      })}
    </div>
  );
}
