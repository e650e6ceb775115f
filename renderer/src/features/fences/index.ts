/** Fences: the panel (draw, check, save, list, live events) and their part of the map. */
export { FencesPanel } from './FencesPanel';
export { FencesMap } from './FencesMap';
export { focusEvent } from './event-focus';
import './fences.css'; // after the exports: it follows the ui/ and map/ sheets they import
