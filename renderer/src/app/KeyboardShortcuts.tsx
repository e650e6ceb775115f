import { useMemo, useState } from 'react';
import { shortcutLabel, useCommands, type Command } from './commands';
import { HelpDialogFrame } from './HelpDialogFrame';

/** The groups in the order an analyst meets them; a group not named here comes after, by name. */
const GROUP_ORDER = ['Workbench', 'Heatmap', 'Playback', 'Map', 'Fences', 'Notebooks', 'Deliveries'];
const rank = (g: string) => (GROUP_ORDER.includes(g) ? GROUP_ORDER.indexOf(g) : GROUP_ORDER.length);

/** What the mouse does on the map: no command of its own, but an analyst looks for it here too. */
const POINTER: { keys: string; title: string }[] = [
  { keys: 'Click a cell', title: 'Pin it: its figures and its last minute (Esc unpins)' },
  { keys: 'Right-drag', title: 'Tilt and turn the map (3D columns)' },
  { keys: 'Drop a GIS file', title: 'Import fences (on the map): GeoJSON at once, GeoPackage, Shapefile, KML/KMZ, FlatGeobuf, GeoParquet after a preview' },
];

/** Every command that has a key, grouped by feature and found by typing; Esc closes. */
export function KeyboardShortcuts() {
  const commands = useCommands();
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    const matches = (text: string) => words.every((w) => text.toLowerCase().includes(w));
    const byGroup = new Map<string, Command[]>();
    for (const c of commands) {
      if (!c.shortcut || !matches(`${c.group} ${c.title} ${shortcutLabel(c.shortcut)} ${c.when ?? ''}`)) continue;
      byGroup.set(c.group, [...(byGroup.get(c.group) ?? []), c]);
    }
    return [...byGroup].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
  }, [commands, query]);
  const pointer = POINTER.filter((p) => query.split(/\s+/).every((w) => `${p.keys} ${p.title}`.toLowerCase().includes(w.toLowerCase())));
  return (
    <HelpDialogFrame title="Keyboard shortcuts" className="shortcuts">
      <input
        className="shortcuts-search"
        type="search"
        aria-label="Search shortcuts"
        placeholder="Search by key or action…"
        autoFocus
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <div className="shortcuts-groups">
        <div className="shortcuts-columns">
          {groups.map(([group, list]) => (
            <section key={group} aria-labelledby={`keys-${group}`}>
              <h3 id={`keys-${group}`}>{group}</h3>
              <table className="shortcuts-table">
                <tbody>
                  {list.map((c) => (
                    <tr key={c.id}>
                      <td>
                        <kbd>{shortcutLabel(c.shortcut!)}</kbd>
                      </td>
                      <td>
                        {c.title}
                        {c.when && <span className="muted"> · while {c.when}</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ))}
          {pointer.length > 0 && (
            <section aria-labelledby="keys-pointer">
              <h3 id="keys-pointer">On the map</h3>
              <table className="shortcuts-table">
                <tbody>
                  {pointer.map((p) => (
                    <tr key={p.keys}>
                      <td>
                        <kbd>{p.keys}</kbd>
                      </td>
                      <td>{p.title}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
          {groups.length === 0 && pointer.length === 0 && <p className="muted">No shortcut matches “{query}”.</p>}
        </div>
      </div>
      <p className="muted shortcuts-foot">
        Every other action is in the command palette (<kbd>{shortcutLabel('Mod+K')}</kbd>). Keys typed into a field are the field’s.
      </p>
    </HelpDialogFrame>
  );
}
