import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import afterPack from './after-pack.mjs';
import { HEXWATCH_FUSES, flipHexwatchFuses, readFuses } from './fuses.mjs';

// Electron's fuse sentinel, as its binaries carry it (electron/build/fuses/build_fuses.py): the wire follows it
// as a version byte, a length byte and one ASCII byte per fuse, '0' off and '1' on.
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron 39's wire as it ships, in @electron/fuses' order: RunAsNode, EnableCookieEncryption,
// EnableNodeOptionsEnvironmentVariable, EnableNodeCliInspectArguments, EnableEmbeddedAsarIntegrityValidation,
// OnlyLoadAppFromAsar, LoadBrowserProcessSpecificV8Snapshot, GrantFileProtocolExtraPrivileges, WasmTrapHandlers.
const SHIPPED = '101100011';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A stand-in for an Electron binary: bytes around one wire per slice (two in a universal macOS binary). */
function fakeBinary(name: string, { slices = 1, version = 1 } = {}): string {
  dir ??= mkdtempSync(join(tmpdir(), 'hexwatch-fuses-'));
  const filler = Buffer.alloc(4096, 0xcc);
  const wire = Buffer.concat([Buffer.from(SENTINEL), Buffer.from([version, SHIPPED.length]), Buffer.from(SHIPPED)]);
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([filler, ...Array.from({ length: slices }, () => Buffer.concat([wire, filler]))]));
  return path;
}

const expected = {
  ...HEXWATCH_FUSES,
  // Not ours to set: left as Electron ships them.
  LoadBrowserProcessSpecificV8Snapshot: false,
  WasmTrapHandlers: true,
};

describe('hexwatch fuses', () => {
  it('turns off running as Node, NODE_OPTIONS, --inspect and file:// privileges, and turns on cookie encryption and asar-only, integrity-checked code', async () => {
    const binary = fakeBinary('hexwatch');
    expect(await readFuses(binary)).toMatchObject({ RunAsNode: true, OnlyLoadAppFromAsar: false });
    expect(await flipHexwatchFuses(binary)).toBe(1);
    expect(await readFuses(binary)).toEqual({
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      LoadBrowserProcessSpecificV8Snapshot: false,
      GrantFileProtocolExtraPrivileges: false,
      WasmTrapHandlers: true,
    });
  });

  it('changes the wire bytes and nothing else', async () => {
    const binary = fakeBinary('hexwatch');
    const before = readFileSync(binary);
    await flipHexwatchFuses(binary);
    const after = readFileSync(binary);
    const wireAt = before.indexOf(SENTINEL) + SENTINEL.length + 2;
    const changed = [...after.keys()].filter((i) => after[i] !== before[i]);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((i) => i >= wireAt && i < wireAt + SHIPPED.length)).toBe(true);
    expect(after.subarray(wireAt, wireAt + SHIPPED.length).toString()).toBe('010011001');
  });

  it('flips both slices of a universal macOS binary', async () => {
    const binary = fakeBinary('Electron Framework', { slices: 2 });
    expect(await flipHexwatchFuses(binary)).toBe(2);
    const bytes = readFileSync(binary).toString('latin1');
    const wires = [...bytes.matchAll(new RegExp(SENTINEL, 'g'))].map((m) =>
      bytes.slice(m.index + SENTINEL.length + 2, m.index + SENTINEL.length + 2 + SHIPPED.length),
    );
    expect(wires).toEqual(['010011001', '010011001']);
  });

  it('refuses a wire of another version, or a binary without one, rather than shipping it unfused', async () => {
    await expect(flipHexwatchFuses(fakeBinary('future', { version: 2 }))).rejects.toThrow(/fuse wire version/);
    await expect(flipHexwatchFuses(fakeBinary('none', { slices: 0 }))).rejects.toThrow(/sentinel/);
  });

  it('is what the afterPack hook does to the packed Linux executable', async () => {
    const binary = fakeBinary('hexwatch');
    await afterPack({
      appOutDir: dir!,
      electronPlatformName: 'linux',
      arch: 1,
      packager: { appInfo: { productFilename: 'hexwatch' }, executableName: 'hexwatch' },
    });
    expect(await readFuses(binary)).toEqual(expected);
  });
});
