import './zod-jitless';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connectEngine } from './rpc';
import './styles.css';

createRoot(document.getElementById('root')!).render(<App engine={connectEngine()} />);
