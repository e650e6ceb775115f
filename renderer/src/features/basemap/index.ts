/** The map under the data: place names from the engine's gazetteer, and choosing a basemap (offline, PMTiles, style URL). */
export { BasemapPicker } from './BasemapPicker';
export { PlaceLabels } from './PlaceLabels';
export { basemapCommands } from './basemap-commands';
export { usePlaceName, usePlaceNames } from './use-place-names';
import './basemap.css'; // after the exports: it follows the ui/ and map/ sheets they import
