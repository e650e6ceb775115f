import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RotatingLog } from './rotating-log';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const at = Date.UTC(2026, 0, 2, 3, 4, 5);
// Each line is 24 (time and space) + 4 (text) + 1 (newline) = 29 bytes.
const line = (n: number) => `l${String(n).padStart(3, '0')}`;

describe('RotatingLog', () => {
  it('writes each line with its UTC time, readable by the user only', () => {
    dir = mkdtempSync(join(tmpdir(), 'hexwatch-log-'));
    const log = new RotatingLog({ dir: join(dir, 'logs'), clock: () => at });
    log.write('engine: started');
    log.close();
    expect(readFileSync(join(dir, 'logs', 'hexwatch.log'), 'utf8')).toBe('2026-01-02T03:04:05.000Z engine: started\n');
    if (process.platform !== 'win32') expect(statSync(join(dir, 'logs', 'hexwatch.log')).mode & 0o777).toBe(0o600);
  });

  it('rotates before a line would pass the size, keeping the newest files and deleting older ones', () => {
    dir = mkdtempSync(join(tmpdir(), 'hexwatch-log-'));
    const log = new RotatingLog({ dir, maxBytes: 100, keep: 2, clock: () => at });
    // Three lines (87 bytes) fit in a file, a fourth would pass 100: 10 lines make 4 files, of which 3 are kept.
    for (let n = 1; n <= 10; n++) log.write(line(n));
    log.close();
    expect(readdirSync(dir).sort()).toEqual(['hexwatch.log', 'hexwatch.log.1', 'hexwatch.log.2']);
    const lines = (name: string) =>
      readFileSync(join(dir, name), 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => l.slice(25));
    expect(lines('hexwatch.log')).toEqual([line(10)]);
    expect(lines('hexwatch.log.1')).toEqual([line(7), line(8), line(9)]);
    expect(lines('hexwatch.log.2')).toEqual([line(4), line(5), line(6)]);
    for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).size).toBeLessThanOrEqual(100);
  });

  it('goes on from the size a file already has when the app starts again', () => {
    dir = mkdtempSync(join(tmpdir(), 'hexwatch-log-'));
    const first = new RotatingLog({ dir, maxBytes: 100, keep: 1, clock: () => at });
    first.write(line(1));
    first.write(line(2));
    first.close();
    const second = new RotatingLog({ dir, maxBytes: 100, keep: 1, clock: () => at });
    second.write(line(3));
    second.write(line(4));
    second.close();
    expect(readFileSync(join(dir, 'hexwatch.log.1'), 'utf8')).toContain(line(3));
    expect(readFileSync(join(dir, 'hexwatch.log'), 'utf8')).toBe(`2026-01-02T03:04:05.000Z ${line(4)}\n`);
    expect(existsSync(join(dir, 'hexwatch.log.2'))).toBe(false);
  });
});
