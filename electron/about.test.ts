import { describe, expect, it } from 'vitest';
import { aboutText } from './about';

const shell = { hexwatch: '0.1.0', electron: '39.8.10', chrome: '142.0.7444.265', node: '22.21.1' };
const engine = { version: '0.1.0', duckdb: '1.5.6', sqlite: '3.53.2' };

describe('aboutText', () => {
  it('names every version: the shell, the databases, and the NATS and Tile38 servers it is connected to', () => {
    const text = aboutText(
      shell,
      { ok: true, value: { ...engine, source: 'nats', nats: { url: 'nats://10.0.0.5:4222', version: '2.15.2' } } },
      { ok: true, value: { engine: 'tile38', connection: 'connected', serverVersion: '1.37.0' } },
    );
    expect(text).toEqual({
      message: 'hexwatch 0.1.0',
      detail: [
        'Electron 39.8.10',
        'Chromium 142.0.7444.265',
        'Node 22.21.1',
        'DuckDB 1.5.6',
        'SQLite 3.53.2',
        'NATS server 2.15.2 (nats://10.0.0.5:4222)',
        'Tile38 1.37.0',
      ].join('\n'),
    });
  });

  it('says which servers are not used, and which are not connected yet', () => {
    const simulated = aboutText(shell, { ok: true, value: { ...engine, source: 'simulator' } }, { ok: true, value: { engine: 'embedded' } }).detail;
    expect(simulated).toContain('NATS: not used (the built-in simulator)');
    expect(simulated).toContain('Tile38: not used (the embedded fence engine)');
    const waiting = aboutText(
      shell,
      { ok: true, value: { ...engine, source: 'nats' } },
      { ok: true, value: { engine: 'tile38', connection: 'reconnecting' } },
    ).detail;
    expect(waiting).toContain('NATS: not connected yet');
    expect(waiting).toContain('Tile38: not connected (reconnecting)');
  });

  it('still names the shell when the engine cannot answer', () => {
    const text = aboutText(shell, { ok: false, error: 'the engine is stopping' }, { ok: false, error: 'the engine is stopping' });
    expect(text.detail.split('\n')).toEqual([
      'Electron 39.8.10',
      'Chromium 142.0.7444.265',
      'Node 22.21.1',
      'The engine did not answer: the engine is stopping',
    ]);
  });
});
