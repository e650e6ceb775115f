/** Fences: the panel (draw, check, save, list, live events), their part of the map and their commands. */
export { FencesPanel } from './FencesPanel';
export { FencesMap } from './FencesMap';
export { focusEvent } from './event-focus';
export { fencesCommands } from './fence-commands';
// A notebook's result makes a fence: its polygon read here (the fence's rules), the draft opened here.
export { polygonOfCells, polygonOfGeoJson, type ShapeOfResult } from './fence-from-result';
export { makeFence } from './make-fence';
import './fences.css'; // after the exports: it follows the ui/ and map/ sheets they import
