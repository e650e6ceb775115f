import { afterEach, expect, it } from 'vitest';
import { commandForKey, registerCommands } from './commands';

const key = (k: string, target: { tagName: string; type?: string } | null, mods: { ctrl?: boolean; shift?: boolean } = {}) =>
  ({
    key: k,
    target: target && { isContentEditable: false, ...target },
    ctrlKey: mods.ctrl ?? false,
    metaKey: false,
    shiftKey: mods.shift ?? false,
    altKey: false,
  }) as unknown as KeyboardEvent;

const field = { tagName: 'INPUT', type: 'text' };
const page = { tagName: 'DIV' };
let off: (() => void) | undefined;
afterEach(() => off?.());

it('gives single keys to fields, Mod chords to commands, but the chords a field owns to the field', () => {
  const run = () => {};
  off = registerCommands([
    { id: 'a', title: 'heat', group: 't', shortcut: 'h', run },
    { id: 'b', title: 'palette', group: 't', shortcut: 'Mod+K', run },
    { id: 'c', title: 'undo drawing', group: 't', shortcut: 'Mod+Z', run },
    { id: 'd', title: 'redo drawing', group: 't', shortcut: 'Mod+Shift+Z', run },
  ]);
  expect(commandForKey(key('h', page))?.id).toBe('a');
  expect(commandForKey(key('h', field))).toBeUndefined();
  expect(commandForKey(key('k', field, { ctrl: true }))?.id).toBe('b');
  expect(commandForKey(key('z', page, { ctrl: true }))?.id).toBe('c');
  expect(commandForKey(key('Z', page, { ctrl: true, shift: true }))?.id).toBe('d');
  // Typing a fence's name, Ctrl+Z undoes the typing, not the drawing.
  expect(commandForKey(key('z', field, { ctrl: true }))).toBeUndefined();
  expect(commandForKey(key('Z', field, { ctrl: true, shift: true }))).toBeUndefined();
  // A checkbox takes no text: the drawing's undo still works there.
  expect(commandForKey(key('z', { tagName: 'INPUT', type: 'checkbox' }, { ctrl: true }))?.id).toBe('c');
});

it('gives a shared key to the latest registered command that applies now, and none when none does', () => {
  let drawing = false;
  let playing = false;
  const run = () => {};
  off = registerCommands([
    { id: 'unpin', title: 'unpin', group: 't', shortcut: 'Escape', run },
    { id: 'live', title: 'back to live', group: 't', shortcut: 'Escape', enabled: () => playing, run },
    { id: 'cancel', title: 'cancel drawing', group: 't', shortcut: 'Escape', enabled: () => drawing, run },
    { id: 'undo', title: 'undo drawing', group: 't', shortcut: 'Mod+Z', enabled: () => drawing, run },
  ]);
  expect(commandForKey(key('Escape', page))?.id).toBe('unpin');
  playing = true;
  expect(commandForKey(key('Escape', page))?.id).toBe('live');
  drawing = true;
  expect(commandForKey(key('Escape', page))?.id).toBe('cancel');
  expect(commandForKey(key('z', page, { ctrl: true }))?.id).toBe('undo');
  drawing = false;
  expect(commandForKey(key('z', page, { ctrl: true }))).toBeUndefined();
});
