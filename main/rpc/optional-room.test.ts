import { describe, expect, it } from 'vitest';
import { DatabaseFileError } from '../sqlite';
import { optionalRoom, roomOff } from './optional-room';

describe('an optional room', () => {
  it('is the room when it opens', () => {
    const room = { name: 'queue' };
    const slot = optionalRoom(
      'the delivery queue',
      () => room,
      () => {},
    );
    expect(slot.room).toBe(room);
    expect(slot.need()).toBe(room);
    expect(slot.error).toBe('');
  });

  it('stays closed on a damaged file, saying why in the log and in its methods’ answers', () => {
    const lines: string[] = [];
    const slot = optionalRoom(
      'fences',
      () => {
        throw new DatabaseFileError('fences.sqlite is not a database', '/d/fences.sqlite');
      },
      (line) => lines.push(line),
    );
    expect(slot.room).toBeUndefined();
    expect(slot.error).toBe('fences.sqlite is not a database');
    expect(lines).toEqual(['fences: fences.sqlite is not a database']);
    expect(() => slot.need()).toThrow(expect.objectContaining({ code: 'unavailable', message: 'fences are unavailable: fences.sqlite is not a database' }));
  });

  it('lets any other error stop the start', () => {
    expect(() =>
      optionalRoom(
        'the market',
        () => {
          throw new TypeError('bug');
        },
        () => {},
      ),
    ).toThrow(TypeError);
  });

  it('answers with its message when off', () => {
    const off = roomOff<object>('the market is off (market.enabled)');
    expect(off.room).toBeUndefined();
    expect(off.error).toBe('the market is off (market.enabled)');
    expect(() => off.need()).toThrow(expect.objectContaining({ code: 'unavailable', message: 'the market is off (market.enabled)' }));
  });
});
