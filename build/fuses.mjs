// The Electron fuses hexwatch ships with, and the step that flips them in a packed binary (after-pack.mjs).
// Plain JavaScript: electron-builder loads its hooks with Node, without a TypeScript loader.
import { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire } from '@electron/fuses';

/**
 * Each fuse hexwatch sets, by its name in @electron/fuses. Off: what would let anyone with a shell run the
 * signed binary as plain Node, or attach a debugger or NODE_OPTIONS to it; on: cookies encrypted at rest,
 * and code only from the app's own asar, checked against the hash embedded at build time.
 */
export const HEXWATCH_FUSES = Object.freeze({
  RunAsNode: false,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableCookieEncryption: true,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  GrantFileProtocolExtraPrivileges: false,
});

/**
 * The @electron/fuses configuration of HEXWATCH_FUSES.
 * @param {{ resetAdHocDarwinSignature?: boolean }} [options] re-sign ad hoc after the flip (an unsigned arm64 macOS binary will not start otherwise)
 * @returns {import('@electron/fuses').FuseV1Config}
 */
export function fuseConfig(options = {}) {
  /** @type {Record<string, unknown>} */
  const config = { version: FuseVersion.V1, resetAdHocDarwinSignature: options.resetAdHocDarwinSignature ?? false };
  for (const [name, on] of Object.entries(HEXWATCH_FUSES)) config[FuseV1Options[/** @type {keyof typeof FuseV1Options} */ (name)]] = on;
  return /** @type {import('@electron/fuses').FuseV1Config} */ (config);
}

/**
 * Flips HEXWATCH_FUSES in an Electron binary (a macOS .app, the Windows .exe, the Linux executable).
 * @param {string} binary
 * @param {{ resetAdHocDarwinSignature?: boolean }} [options]
 * @returns {Promise<number>} how many fuse wires were flipped (two in a universal macOS binary)
 */
export function flipHexwatchFuses(binary, options = {}) {
  return flipFuses(binary, fuseConfig(options));
}

/**
 * Every fuse of a binary by name: true (on), false (off), or 'inherit' / 'removed' as Electron marks them.
 * @param {string} binary
 * @returns {Promise<Record<string, boolean | 'inherit' | 'removed'>>}
 */
export async function readFuses(binary) {
  const wire = /** @type {Record<string, unknown>} */ (await getCurrentFuseWire(binary));
  /** @type {Record<string, boolean | 'inherit' | 'removed'>} */
  const fuses = {};
  for (const [index, state] of Object.entries(wire)) {
    if (index === 'version') continue;
    const name = FuseV1Options[/** @type {number} */ (/** @type {unknown} */ (index))] ?? `fuse ${index}`;
    fuses[name] = FUSE_STATES[/** @type {number} */ (state)] ?? 'removed';
  }
  return fuses;
}

// The wire's bytes (@electron/fuses' FuseState): ASCII '0' and '1', 'r' for a fuse Electron removed, 0x90 to inherit.
/** @type {Record<number, boolean | 'inherit' | 'removed'>} */
const FUSE_STATES = { 48: false, 49: true, 114: 'removed', 144: 'inherit' };
