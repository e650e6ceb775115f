// electron-builder's afterPack hook (electron-builder.yml): flips hexwatch's fuses in the packed binary,
// after the app is copied in and before it is signed (a flip after signing would break the signature).
import { join } from 'node:path';
import { flipHexwatchFuses, HEXWATCH_FUSES } from './fuses.mjs';

/** builder-util's Arch values of the builds that hold arm64 code: arm64 and universal. */
const ARM64_ARCHES = new Set([3, 4]);

/**
 * Where the Electron binary of a packed app is, as electron-builder names it on each platform.
 * @param {{ appOutDir: string; electronPlatformName: string; packager: { appInfo: { productFilename: string }; executableName?: string } }} context
 */
export function packedBinary(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return join(appOutDir, `${packager.appInfo.productFilename}.app`);
  if (electronPlatformName === 'win32') return join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  return join(appOutDir, packager.executableName ?? packager.appInfo.productFilename);
}

/** @param {{ appOutDir: string; electronPlatformName: string; arch: number; packager: { appInfo: { productFilename: string }; executableName?: string } }} context */
export default async function afterPack(context) {
  // A universal macOS build packs each architecture into a `-temp` folder first and merges them; the
  // merged app comes through this hook too, and its two slices are flipped there (as electron-builder's
  // own fuse step does), so the halves stay identical for the merge.
  if (/-(x64|arm64)-temp$/.test(context.appOutDir)) return;
  const binary = packedBinary(context);
  // An unsigned arm64 (or universal) macOS binary must be re-signed ad hoc once its bytes change.
  const resetAdHocDarwinSignature = context.electronPlatformName === 'darwin' && ARM64_ARCHES.has(context.arch);
  const wires = await flipHexwatchFuses(binary, { resetAdHocDarwinSignature });
  const set = Object.entries(HEXWATCH_FUSES).map(([name, on]) => `${name}=${on ? 'on' : 'off'}`);
  console.log(`hexwatch: fuses flipped in ${binary} (${wires} wire${wires === 1 ? '' : 's'}): ${set.join(', ')}`);
}
