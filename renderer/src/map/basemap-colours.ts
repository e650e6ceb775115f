/** The basemaps' colours by theme: the offline map's and those given to a vector PMTiles archive. */
export const BASEMAP_COLOURS = {
  dark: { ocean: '#0b1322', land: '#1b2536', coast: '#34445e', borders: '#46587a', water: '#0e1a2e', green: '#1d2c33', road: '#3a4660', building: '#27324a' },
  light: { ocean: '#c9d8e6', land: '#f1efe9', coast: '#9fb2c4', borders: '#a8a39a', water: '#b9cde0', green: '#dfe8d6', road: '#ffffff', building: '#e2ddd3' },
};
