import './zod-jitless';
import './styles.css';
import { createRoot } from 'react-dom/client';
import { connectDesktopShell, loadPreferences, Workbench } from './app';
import { EngineProvider, connectEngine } from './engine';
import { openNotebook, openPaths } from './features/notebooks';

const engine = connectEngine();
// The desktop's menus and open-with; a browser has neither.
if (engine.shell) connectDesktopShell(engine.shell, engine.client, { openNotebook, openPaths });
// The analyst's choices first, so the workstation opens as they left it (a silent engine: the defaults, soon).
await Promise.race([loadPreferences(engine.client), new Promise((resolve) => setTimeout(resolve, 1500))]);
createRoot(document.getElementById('root')!).render(
  <EngineProvider engine={engine}>
    <Workbench />
  </EngineProvider>,
);
