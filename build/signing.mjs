// What electron-builder may sign and notarise on this platform with the variables set, and what it is told
// to skip (with a line saying so) when they are absent. scripts/dist.mjs applies it.

/** Each way electron-builder notarises a macOS app, by the variables it reads (its mac.notarize option). */
const NOTARY_CREDENTIALS = [
  ['APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER'],
  ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'],
  ['APPLE_KEYCHAIN', 'APPLE_KEYCHAIN_PROFILE'],
];

/**
 * @param {NodeJS.Platform} platform
 * @param {Readonly<Record<string, string | undefined>>} env
 * @returns {{ env: Record<string, string>; args: string[]; notes: string[] }} variables and arguments for electron-builder, and what to tell the person packaging
 */
export function signingPlan(platform, env) {
  const has = (/** @type {string} */ name) => Boolean(env[name]);
  /** @type {{ env: Record<string, string>; args: string[]; notes: string[] }} */
  const plan = { env: {}, args: [], notes: [] };
  if (platform === 'darwin') {
    const signed = has('CSC_LINK') || has('CSC_NAME');
    if (signed) plan.notes.push(`signing with ${has('CSC_LINK') ? 'the certificate in CSC_LINK' : `the keychain identity ${env.CSC_NAME}`}`);
    else {
      // Without this electron-builder would pick any identity it finds in the keychain.
      plan.env.CSC_IDENTITY_AUTO_DISCOVERY = 'false';
      plan.notes.push('not signed: set CSC_LINK (a .p12) and CSC_KEY_PASSWORD, or CSC_NAME (a keychain identity); Gatekeeper will refuse to open it');
    }
    const notary = NOTARY_CREDENTIALS.find((set) => set.every(has));
    if (signed && notary) plan.notes.push(`notarising with ${notary.join(', ')}`);
    else {
      plan.args.push('-c.mac.notarize=false');
      const partial = NOTARY_CREDENTIALS.find((set) => set.some(has));
      const missing = partial ? ` (${partial.filter((v) => !has(v)).join(', ')} missing)` : '';
      plan.notes.push(
        signed
          ? `not notarised: set APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD and APPLE_TEAM_ID (or APPLE_API_KEY, APPLE_API_KEY_ID, APPLE_API_ISSUER)${missing}`
          : 'not notarised: an unsigned app cannot be',
      );
    }
  } else if (platform === 'win32') {
    const cert = has('WIN_CSC_LINK') ? 'WIN_CSC_LINK' : has('CSC_LINK') ? 'CSC_LINK' : undefined;
    plan.notes.push(
      cert
        ? `signing the installer and executables with the certificate in ${cert}`
        : 'not signed: set WIN_CSC_LINK (a .pfx) and WIN_CSC_KEY_PASSWORD; SmartScreen will warn whoever runs the installer',
    );
  } else {
    plan.notes.push('AppImage and deb are not signed (a .deb is signed by the apt repository that serves it)');
  }
  return plan;
}
