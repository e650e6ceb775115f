// `node scripts/icons.mjs`: every PNG size the packages want, rendered from the one source, build/icon.svg,
// by Chromium (playwright-core; HEXWATCH_CHROMIUM or Debian's /usr/bin/chromium) into build/icons/NxN.png.
// Linux takes the folder, macOS's .icns is made by electron-builder from the 1024 and Windows' .ico from the 256.
// The outputs are committed: `npm run dist` renders them again only when the SVG is newer.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'build', 'icon.svg');
const outDir = join(root, 'build', 'icons');

const outputs = () => ICON_SIZES.map((size) => join(outDir, `${size}x${size}.png`));

/** Whether every size exists and is newer than the SVG. */
export function iconsFresh() {
  const svgTime = statSync(source).mtimeMs;
  return outputs().every((p) => existsSync(p) && statSync(p).mtimeMs >= svgTime);
}

export async function renderIcons({ log = console.log } = {}) {
  const executablePath = process.env.HEXWATCH_CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(executablePath))
    throw new Error(`icons: Chromium renders them: install Debian's "chromium" package or set HEXWATCH_CHROMIUM (${executablePath} is missing)`);
  const svg = readFileSync(source, 'utf8');
  mkdirSync(outDir, { recursive: true });
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    for (const size of ICON_SIZES) {
      // deviceScaleFactor 1 and a transparent page: one CSS pixel is one icon pixel, the corners stay clear.
      const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
      await page.setContent(
        `<!doctype html><style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`,
      );
      const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
      writeFileSync(join(outDir, `${size}x${size}.png`), png);
      await page.close();
    }
  } finally {
    await browser.close();
  }
  log(`icons: build/icons/{${ICON_SIZES.map((s) => `${s}x${s}`).join(',')}}.png from build/icon.svg`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  renderIcons().catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
