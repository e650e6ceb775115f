// Electronegativity over the shipped shell (electron/, without its tests) and the built preload, offline:
// any finding above informational fails unless electron/security-review.json accepts it with its reason.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const builtPreload = join(root, 'out/preload/index.cjs');

interface Finding {
  check: string;
  severity: string;
  file: string;
  location: string;
  sample: string;
}

/** RFC 4180 as the tool writes it: quoted fields may hold commas, quotes ("") and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endRow = () => {
    row.push(field);
    if (row.some((f) => f !== '')) rows.push(row);
    row = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') endRow();
    else if (ch !== '\r') field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}

/** The shell as it ships: electron/ without its tests, and the preload as built (what the window loads). */
function scanInput(dir: string): void {
  mkdirSync(join(dir, 'electron'));
  for (const name of readdirSync(join(root, 'electron'))) {
    if (name.endsWith('.ts') && !name.endsWith('.test.ts')) copyFileSync(join(root, 'electron', name), join(dir, 'electron', name));
  }
  mkdirSync(join(dir, 'preload'));
  copyFileSync(builtPreload, join(dir, 'preload', 'index.cjs'));
}

describe('the shell’s security review', () => {
  it('has no Electronegativity finding above informational that is not accepted with its reason, and no accepted one that is gone', async () => {
    if (!existsSync(builtPreload)) throw new Error('out/preload/index.cjs is not built: run npm run build (npm test builds first)');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { optionalDependencies: Record<string, string> };
    // The version package.json asks for ("^39.0.0" → 39.0.0): the tool would otherwise look for an installed one.
    const electronVersion = /\d+\.\d+\.\d+/.exec(pkg.optionalDependencies.electron)![0];
    const cli = join(dirname(createRequire(import.meta.url).resolve('@doyensec/electronegativity/package.json')), 'dist/index.js');
    const dir = mkdtempSync(join(tmpdir(), 'hexwatch-electronegativity-'));
    try {
      scanInput(dir);
      const csv = join(dir, 'findings.csv');
      // Offline: its check of Electron's published security fixes needs the network (and it still says it
      // cannot fetch its translations, which is harmless).
      const { code, output } = await run(process.execPath, [
        cli,
        '-i',
        dir,
        '-e',
        electronVersion,
        '-x',
        'AvailableSecurityFixesGlobalCheck',
        '-r',
        '-v',
        'false',
        '-o',
        csv,
      ]);
      expect(code, output).toBe(0);
      expect(output, 'a file the tool could not parse is a file it did not check').not.toMatch(/Error parsing/);

      const [header, ...rows] = parseCsv(readFileSync(csv, 'utf8'));
      expect(header!.map((h) => h.trim())).toEqual(['issue', 'severity', 'confidence', 'filename', 'location', 'sample', 'description', 'url']);
      const findings: Finding[] = rows.map(([check, severity, , file, location, sample]) => ({
        check: check!,
        severity: severity!,
        file: file!,
        location: location!,
        sample: sample!,
      }));
      const serious = findings.filter((f) => f.severity !== 'INFORMATIONAL');

      const review = JSON.parse(readFileSync(join(root, 'electron/security-review.json'), 'utf8')) as {
        accepted: { check: string; file: string; why: string }[];
      };
      for (const a of review.accepted) expect(a.why.length, `${a.check} in ${a.file} needs its reason`).toBeGreaterThan(40);
      const accepted = (f: Finding) => review.accepted.some((a) => a.check === f.check && a.file === f.file);
      expect(serious.filter((f) => !accepted(f))).toEqual([]);
      expect(review.accepted.filter((a) => !serious.some((f) => f.check === a.check && f.file === a.file))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('ships a preload that requires nothing but electron (a sandboxed preload cannot load any other module)', () => {
    if (!existsSync(builtPreload)) throw new Error('out/preload/index.cjs is not built: run npm run build (npm test builds first)');
    const required = [...readFileSync(builtPreload, 'utf8').matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
  });
});
