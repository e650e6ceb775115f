import { describe, expect, it } from 'vitest';
import { guardNavigation, type GuardedContents, type Preventable } from './navigation';

/** WebContents as the guards see it: the listeners and the window-open handler they install, kept to be fired. */
function recordedContents() {
  const listeners = new Map<string, (event: Preventable, url: string) => void>();
  let openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
  const contents: GuardedContents = {
    on: (event: string, listener: (event: Preventable, url: string) => void) => listeners.set(event, listener),
    setWindowOpenHandler: (handler) => (openHandler = handler),
  };
  /** Fires an event as Electron would; true when the guard prevented it. */
  const fire = (event: string, url = '') => {
    let prevented = false;
    listeners.get(event)!({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  return { contents, listeners, fire, open: (url: string) => openHandler!({ url }) };
}

describe('guardNavigation', () => {
  it('installs the will-navigate, will-redirect and will-attach-webview guards and a window-open handler', () => {
    const r = recordedContents();
    guardNavigation(r.contents, () => {});
    expect([...r.listeners.keys()].sort()).toEqual(['will-attach-webview', 'will-navigate', 'will-redirect']);
    expect(r.open('app://hexwatch/index.html')).toEqual({ action: 'deny' });
  });

  it('lets the window move between the app pages only', () => {
    const r = recordedContents();
    guardNavigation(r.contents, () => {});
    expect(r.fire('will-navigate', 'app://hexwatch/index.html#/notebooks')).toBe(false);
    for (const url of ['https://example.com/', 'file:///etc/passwd', 'app://hexwatch.evil/index.html', 'http://127.0.0.1:8080/']) {
      expect(r.fire('will-navigate', url)).toBe(true);
      expect(r.fire('will-redirect', url)).toBe(true);
    }
    expect(r.fire('will-attach-webview')).toBe(true);
  });

  it('opens no window: an https link goes to the system browser, any other scheme nowhere', () => {
    const opened: string[] = [];
    const r = recordedContents();
    guardNavigation(r.contents, (url) => opened.push(url));
    for (const url of ['https://www.openstreetmap.org/copyright', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'not a url']) {
      expect(r.open(url)).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual(['https://www.openstreetmap.org/copyright']);
  });
});
