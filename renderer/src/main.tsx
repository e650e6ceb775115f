import './zod-jitless';
import './styles.css';
import { createRoot } from 'react-dom/client';
import { Workbench } from './app';
import { EngineProvider, connectEngine } from './engine';

createRoot(document.getElementById('root')!).render(
  <EngineProvider engine={connectEngine()}>
    <Workbench />
  </EngineProvider>,
);
