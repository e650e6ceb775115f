import { useEffect, useMemo, useRef, useState } from 'react';
import { Markdown, parseMarkdown } from '../ui';
import { toggleHelp } from './help-dialogs';
import { HelpDialogFrame } from './HelpDialogFrame';

/** The guide's text comes with the workstation (a chunk of its own, loaded on first open): nothing is fetched from the network. */
const loadGuide = () => import('../../../docs/user-guide.md?raw').then((m) => m.default);

/** The bundled user guide (docs/user-guide.md), readable in the workstation, its headings as a table of contents. */
export function UserGuide() {
  const [text, setText] = useState<string>();
  const [failed, setFailed] = useState<string>();
  const [current, setCurrent] = useState<string>();
  const body = useRef<HTMLDivElement>(null);
  useEffect(() => {
    loadGuide().then(setText, (err: Error) => setFailed(err.message));
  }, []);
  const blocks = useMemo(() => (text ? parseMarkdown(text) : []), [text]);
  const contents = blocks.flatMap((b) => (b.kind === 'heading' && b.level >= 2 && b.level <= 3 ? [b] : []));

  // The contents follow the reading: the last heading scrolled past is the current one.
  useEffect(() => {
    const el = body.current;
    if (!el || contents.length === 0) return;
    const onScroll = () => {
      const top = el.getBoundingClientRect().top + 8;
      let last = contents[0]!.id;
      for (const h of contents) if ((document.getElementById(h.id)?.getBoundingClientRect().top ?? Infinity) <= top) last = h.id;
      setCurrent(last);
    };
    onScroll();
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, [contents.length]);

  const go = (id: string) => {
    document.getElementById(id)?.scrollIntoView({ block: 'start' });
    setCurrent(id);
  };
  return (
    <HelpDialogFrame
      title="User guide"
      className="guide"
      actions={
        <button className="guide-keys" onClick={() => toggleHelp('shortcuts')}>
          Keyboard shortcuts
        </button>
      }
    >
      <div className="guide-layout">
        <nav className="guide-contents" aria-label="Contents">
          <ol>
            {contents.map((h) => (
              <li key={h.id} className={`guide-level-${h.level}`}>
                <a
                  href={`#${h.id}`}
                  aria-current={current === h.id ? 'location' : undefined}
                  onClick={(e) => {
                    e.preventDefault();
                    go(h.id);
                  }}
                >
                  {h.text.replace(/[`*]/g, '')}
                </a>
              </li>
            ))}
          </ol>
        </nav>
        <div
          className="guide-body"
          ref={body}
          tabIndex={0}
          aria-label="Guide text"
          role="document"
          onClick={(e) => {
            // Links within the guide move to their heading, never away from the workstation.
            const href = (e.target as HTMLElement).closest('a')?.getAttribute('href');
            if (!href?.startsWith('#')) return;
            e.preventDefault();
            go(href.slice(1));
          }}
        >
          {failed ? (
            <p role="alert">The guide could not be read: {failed}</p>
          ) : text ? (
            <Markdown blocks={blocks} />
          ) : (
            <p className="muted">Opening the guide…</p>
          )}
        </div>
      </div>
    </HelpDialogFrame>
  );
}
