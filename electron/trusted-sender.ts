/** The only page allowed to call the engine: the app's own top frame, served from app://hexwatch/. */
export const APP_ORIGIN = 'app://hexwatch';

export function isTrustedSender(frameUrl: string | undefined, isMainFrame: boolean): boolean {
  if (!isMainFrame || !frameUrl) return false;
  try {
    const u = new URL(frameUrl);
    return u.protocol === 'app:' && u.host === 'hexwatch';
  } catch {
    return false;
  }
}
