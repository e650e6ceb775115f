// An invalid settings file stops `hexwatch serve` before anything starts, and the message says which key
// (or where in the file) and what is wrong. Runs the real CLI as a child process.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, engineEnv, hexwatchBin, makeTempDir, repoRoot, runToExit, type RunResult, type TempDir } from '../helpers';

let dir: TempDir;
beforeAll(() => assertBuilt());
beforeEach(async () => {
  dir = await makeTempDir('hexwatch-config-');
});
afterEach(async () => {
  await dir.remove();
});

async function serveWith(settings: string, extraArgs: string[] = []): Promise<RunResult> {
  await writeFile(join(dir.path, 'settings.json'), settings);
  return runToExit(process.execPath, [hexwatchBin, 'serve', '--port', '0', '--data-dir', dir.path, ...extraArgs], {
    cwd: repoRoot,
    env: engineEnv(),
    timeoutMs: 15_000,
    // If it serves despite the bad file, stop it at once: the assertions below then fail with its output.
    stopWhen: /^hexwatch: serving /,
  });
}

function expectRefused(r: RunResult): string {
  const output = `${r.stdout}\n${r.stderr}`;
  expect(r.timedOut, `still running after 15 s:\n${output}`).toBe(false);
  expect(r.stdout, 'it must not serve').not.toMatch(/hexwatch: serving /);
  expect(r.code, `exit code; output:\n${output}`).not.toBe(0);
  expect(r.code).not.toBeNull();
  expect(r.durationMs, 'a refusal is quick').toBeLessThan(10_000);
  return output;
}

describe('hexwatch serve refuses invalid settings', () => {
  it('names the key and the problem of an out-of-range value', async () => {
    const output = expectRefused(await serveWith(JSON.stringify({ live: { windowS: -5 } })));
    expect(output).toContain('live.windowS');
    // The problem, in words: zod's range message ("Too small: expected number to be >=5") or similar.
    expect(output).toMatch(/live\.windowS:?.*(>=\s*5|at least|too small|minimum|greater)/i);
    expect(output).toContain(join(dir.path, 'settings.json'));
  });

  it('names an unknown key', async () => {
    const output = expectRefused(await serveWith(JSON.stringify({ simulator: { devicez: 10 } })));
    expect(output).toContain('simulator.devicez');
    expect(output).toMatch(/unknown|unrecognized/i);
  });

  it('names the file and the line and column of malformed JSON', async () => {
    const output = expectRefused(await serveWith('{\n  "live": {\n    "windowS": 30,\n  }\n}\n'));
    expect(output).toContain(join(dir.path, 'settings.json'));
    expect(output).toMatch(/JSON/);
    expect(output).toMatch(/line 4/);
    expect(output).toMatch(/column \d+/);
  });

  it('refuses settings that do not fit together: Tile38 hook mode with no NATS to publish to', async () => {
    const output = expectRefused(await serveWith(JSON.stringify({ tile38: { host: '127.0.0.1', mode: 'hook' } })));
    expect(output).toMatch(/tile38\.mode: hook mode needs a NATS for Tile38 to publish to: set tile38\.hookNats or nats\.servers/);
  });

  it('names a bad command-line value and where it came from', async () => {
    const output = expectRefused(await serveWith('{}', ['--simulator.devices', 'many']));
    expect(output).toContain('simulator.devices');
    expect(output).toContain('--simulator.devices');
  });
});
