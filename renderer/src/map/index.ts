/** The map in the centre of the workbench, its basemaps, and the layer composer features put their layers into. */
export { HOME, MapView } from './MapView';
export { getMapHandle, useMapBeside, useMapHandle, type MapHandle } from './MapContext';
export { MAP_SLOTS, type LayerComposer, type LayerInfo, type LayerKind, type MapSlot } from './layer-composer';
export { cssColour, cssGradient, type LegendSpec, type LegendSwatch } from './legend';
export { outlineLayers, SELECTION_COLOURS } from './selection-outline';
export { mapCommands } from './map-commands';
export type { Basemap } from './basemap-style';
export { BASEMAP_COLOURS } from './basemap-colours';
export { openPmtilesFile } from './pmtiles-basemap';
export { glyphsFor } from './glyphs';
import './map.css'; // after MapView's import of maplibre-gl.css, which it overrides
import './layers.css';
