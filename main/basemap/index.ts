export { Gazetteer } from './gazetteer';
export { basemapHandlers } from './basemap-handlers';
