import type { RpcClient } from '../../../shared/rpc';
import { createStore } from './store';
import { exposeForTests } from './test-hooks';

/** What a command runs with: the engine (commands are registered once, before any feature mounts). */
export interface CommandContext {
  client: RpcClient;
}

/** An action of the workstation: the palette lists it, its shortcut runs it. */
export interface Command {
  id: string;
  title: string;
  /** Where the palette groups it (a feature's name); the title never repeats it, since the palette shows both. */
  group: string;
  /** A single key ("m", "0", "[", "F1") or a chord with Mod (Ctrl, ⌘ on macOS) and maybe Shift: "Mod+K", "Mod+Shift+Z". */
  shortcut?: string;
  /** Whether it applies now (a mode: drawing, playback, a panel open); when it does not, the palette leaves it out and its key does nothing. */
  enabled?(): boolean;
  /** When it applies, in words, for the keyboard shortcuts' list ("while a fence is drawn"); none: always. */
  when?: string;
  run(ctx: CommandContext): void;
}

const registry = createStore<readonly Command[]>([]);
exposeForTests({ commands: () => registry.get().map(({ id, group, title, shortcut }) => ({ id, group, title, ...(shortcut ? { shortcut } : {}) })) });

/** Adds commands (the workbench adds every feature's at start); returns how to take them away again. */
export function registerCommands(list: readonly Command[]): () => void {
  const ids = new Set(list.map((c) => c.id));
  registry.set([...registry.get().filter((c) => !ids.has(c.id)), ...list]);
  return () => registry.set(registry.get().filter((c) => !list.includes(c)));
}

export const useCommands = registry.use;
/** The registry outside React: the desktop's menus follow it (app/desktop-shell.ts). */
export const commandRegistry = { get: registry.get, subscribe: registry.subscribe };

/** Whether a command applies now. */
export const applies = (c: Command): boolean => c.enabled?.() ?? true;

const isMac = () => /Mac|iPhone|iPad/.test(globalThis.navigator?.platform ?? '');

/** How a shortcut reads on this machine: "Ctrl+K" or "⌘K". */
export function shortcutLabel(shortcut: string): string {
  if (shortcut === 'Escape') return 'Esc';
  if (!shortcut.startsWith('Mod+')) return shortcut;
  const rest = shortcut.slice(4);
  return isMac() ? `⌘${rest.replace('Shift+', '⇧')}` : `Ctrl+${rest}`;
}

/**
 * The command a key press means, if any (keys typed into a field are the field's, and so are the
 * chords a field owns: undo, redo, select all, copy, cut, paste). Of the commands that apply now, the
 * latest registered wins a shared key: a mode registered after (drawing) takes Escape from the heatmap.
 */
export function commandForKey(e: KeyboardEvent): Command | undefined {
  const target = e.target as HTMLElement | null;
  const typing = target !== null && isTextEntry(target);
  const mod = e.ctrlKey || e.metaKey;
  for (const c of [...registry.get()].reverse()) {
    if (!c.shortcut || !applies(c)) continue;
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
