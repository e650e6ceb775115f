/** The demo: its pill in the status bar, its card (what it is, Clear demo data) and its command. */
export { DemoPill } from './DemoPill';
export { demoCommands } from './demo-commands';
import './demo.css'; // after the exports: it follows the ui/ sheets they import
