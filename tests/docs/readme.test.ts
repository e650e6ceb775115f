// The README's configuration table is the user's reference: it must list every setting of
// main/config/schema.ts, with its real default and environment variable, and nothing else.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../main/config/schema';
import { envName, leafPaths } from '../../main/config/load';
import { repoRoot } from '../helpers';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const defaults = ConfigSchema.parse({}) as unknown as Record<string, unknown>;

interface Row {
  key: string;
  defaultCell: string;
  envCell: string;
}

function configRows(): Row[] {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Configuration'));
  if (!section) throw new Error('README has no "## Configuration" section');
  return section
    .split('\n')
    .filter((line) => /^\| `[\w.]+` \|/.test(line))
    .map((line) => {
      const cells = line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((c) => c.trim());
      return { key: firstCode(cells[0])!, defaultCell: cells[1], envCell: cells[3] };
    });
}

function firstCode(cell: string): string | undefined {
  return /`([^`]*)`/.exec(cell)?.[1];
}

function valueAt(path: string): unknown {
  return path.split('.').reduce<unknown>((t, k) => (t as Record<string, unknown>)[k], defaults);
}

describe('README configuration table', () => {
  const rows = configRows();

  it('lists every setting exactly once, and no other', () => {
    const keys = rows.map((r) => r.key);
    expect(new Set(keys).size, 'a key appears twice').toBe(keys.length);
    expect([...keys].sort()).toEqual([...leafPaths(defaults)].sort());
  });

  it.each(rows.map((r) => [r.key, r] as const))('%s: default and environment variable match the engine', (key, row) => {
    const shown = firstCode(row.defaultCell) ?? '';
    let parsed: unknown;
    try {
      parsed = JSON.parse(shown);
    } catch {
      parsed = shown;
    }
    expect(parsed, `default of ${key}`).toEqual(valueAt(key));
    expect(firstCode(row.envCell), `environment variable of ${key}`).toBe(envName(key));
  });
});
