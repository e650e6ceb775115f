import { useSyncExternalStore } from 'react';

/** An action of the workstation: the palette lists it, its shortcut runs it. */
export interface Command {
  id: string;
  title: string;
  /** Where the palette groups it (a feature's name). */
  group: string;
  /** A single key ("m", "0", "[") or a chord with Mod (Ctrl, ⌘ on macOS) and maybe Shift: "Mod+K", "Mod+Shift+Z". */
  shortcut?: string;
  run(): void;
}

const commands = new Map<string, Command>();
let snapshot: Command[] = [];
const listeners = new Set<() => void>();

function changed(): void {
  snapshot = [...commands.values()];
  for (const l of listeners) l();
}

/** Adds commands (a feature calls this when it mounts); returns how to take them away again. */
export function registerCommands(list: readonly Command[]): () => void {
  for (const c of list) commands.set(c.id, c);
  changed();
  return () => {
    for (const c of list) if (commands.get(c.id) === c) commands.delete(c.id);
    changed();
  };
}

export function useCommands(): Command[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => snapshot,
  );
}

const isMac = () => /Mac|iPhone|iPad/.test(globalThis.navigator?.platform ?? '');

/** How a shortcut reads on this machine: "Ctrl+K" or "⌘K". */
export function shortcutLabel(shortcut: string): string {
  if (!shortcut.startsWith('Mod+')) return shortcut;
  const rest = shortcut.slice(4);
  return isMac() ? `⌘${rest.replace('Shift+', '⇧')}` : `Ctrl+${rest}`;
}

/**
 * The command a key press means, if any (keys typed into a field are the field's, and so are the
 * chords a field owns: undo, redo, select all, copy, cut, paste). The latest
 * registered wins a shared key: a mode that mounts on top (drawing) takes Escape from the heatmap.
 */
export function commandForKey(e: KeyboardEvent): Command | undefined {
  const target = e.target as HTMLElement | null;
  const typing = target !== null && isTextEntry(target);
  const mod = e.ctrlKey || e.metaKey;
  for (const c of [...commands.values()].reverse()) {
    if (!c.shortcut) continue;
    const parts = c.shortcut.split('+');
    const key = parts.pop()!;
    if (parts.includes('Mod')) {
      if (typing && FIELD_CHORDS.has(key.toLowerCase())) continue;
      if (mod && !e.altKey && e.shiftKey === parts.includes('Shift') && e.key.toLowerCase() === key.toLowerCase()) return c;
    } else if (!typing && !mod && !e.altKey && e.key === key) return c;
  }
  return undefined;
}

const FIELD_CHORDS = new Set(['z', 'y', 'a', 'c', 'x', 'v']);

/** An element a key types into (a text field, a select, an editor): its keys are not shortcuts; a checkbox's or a button's are. */
function isTextEntry(el: HTMLElement): boolean {
  if (el.isContentEditable || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  if (el.tagName !== 'INPUT') return false;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes((el as HTMLInputElement).type);
}
