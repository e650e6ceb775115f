import { useEffect, useMemo, useRef, useState } from 'react';
import { useEngine } from '../engine';
import { applies, shortcutLabel, useCommands, type Command } from './commands';
import { setUi, useUi } from './ui-store';

/** Every action of the workstation, found by typing: Enter runs the highlighted one, Escape closes. */
export function CommandPalette() {
  const commands = useCommands();
  const { client } = useEngine();
  // What applies follows the UI state (a panel, a mode): the list is worked out again when it changes.
  const ui = useUi((s) => s);
  const [query, setQuery] = useState('');
  const [index, setIndex] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const shown = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    // A title saying what was typed comes before one that matches only with its group's name ("play back": not "Playback: Back to live").
    const phrase = words.join(' ');
    const rank = (c: Command) => (c.title.toLowerCase().includes(phrase) ? 0 : words.every((w) => c.title.toLowerCase().includes(w)) ? 1 : 2);
    return commands
      .filter((c) => applies(c) && words.every((w) => `${c.group} ${c.title}`.toLowerCase().includes(w)))
      .sort((a, b) => rank(a) - rank(b) || a.group.localeCompare(b.group) || a.title.localeCompare(b.title));
  }, [commands, query, ui]);
  useEffect(() => input.current?.focus(), []);
  useEffect(() => setIndex(0), [query]);

  const close = () => setUi({ paletteOpen: false });
  const run = (c: Command | undefined) => {
    if (!c) return;
    close();
    c.run({ client });
  };
  return (
    <div className="palette-backdrop" onMouseDown={close}>
      <div className="palette" role="dialog" aria-modal="true" aria-label="Command palette" onMouseDown={(e) => e.stopPropagation()}>
        <input
          ref={input}
          aria-label="Search commands"
          placeholder="Type a command…"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setIndex((i) => Math.min(shown.length - 1, i + 1));
            else if (e.key === 'ArrowUp') setIndex((i) => Math.max(0, i - 1));
            else if (e.key === 'Enter') run(shown[index]);
            else if (e.key === 'Escape') close();
            else return;
            e.preventDefault();
          }}
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={shown[index] ? `cmd-${shown[index].id}` : undefined}
        />
        <ul id="palette-list" role="listbox" aria-label="Commands">
          {shown.map((c, i) => (
            <li
              key={c.id}
              id={`cmd-${c.id}`}
              role="option"
              aria-selected={i === index}
              className={i === index ? 'active' : undefined}
              onMouseEnter={() => setIndex(i)}
              onClick={() => run(c)}
            >
              <span className="cmd-group">{c.group}</span>
              <span className="cmd-title">{c.title}</span>
              {c.shortcut && <kbd>{shortcutLabel(c.shortcut)}</kbd>}
            </li>
          ))}
          {shown.length === 0 && <li className="muted palette-none">No command matches “{query}”.</li>}
        </ul>
      </div>
    </div>
  );
}
