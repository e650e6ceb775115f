import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { zipOf } from './zip-writer';

it('writes a zip that Python’s zipfile reads back byte for byte', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zip-'));
  try {
    const big = Buffer.alloc(100_000, 'abc');
    writeFileSync(
      join(dir, 'a.zip'),
      zipOf([
        { name: 'zones.shp', data: big },
        { name: 'zones.cpg', data: Buffer.from('UTF-8') },
        { name: 'é.txt', data: new Uint8Array() },
      ]),
    );
    const out = execFileSync(
      'python3',
      [
        '-c',
        'import sys,zipfile,json; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(json.dumps({i.filename: z.read(i).decode() for i in z.infolist()}))',
        join(dir, 'a.zip'),
      ],
      {
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(out)).toEqual({ 'zones.shp': big.toString(), 'zones.cpg': 'UTF-8', 'é.txt': '' });
    expect(readFileSync(join(dir, 'a.zip')).length).toBeLessThan(2000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
