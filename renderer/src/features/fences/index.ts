/** Fences: the panel (draw, check, save, list, live events), their part of the map and their commands. */
export { FencesPanel } from './FencesPanel';
export { FencesMap } from './FencesMap';
export { focusEvent } from './event-focus';
export { fencesCommands } from './fence-commands';
import './fences.css'; // after the exports: it follows the ui/ and map/ sheets they import
