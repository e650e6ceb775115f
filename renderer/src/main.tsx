import './zod-jitless';
import { createRoot } from 'react-dom/client';
import { Workbench } from './app';
import { EngineProvider, connectEngine } from './engine';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <EngineProvider engine={connectEngine()}>
    <Workbench />
  </EngineProvider>,
);
