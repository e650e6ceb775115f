/** The basemaps' colours by theme: the offline map's and those given to a vector PMTiles archive. */
export const BASEMAP_COLOURS = {
  // Dark land a neutral charcoal, water a deep navy: told apart by hue, as the lowest heat colour must stand 3:1 off both.
  dark: { ocean: '#021838', land: '#202226', coast: '#4a6288', borders: '#4f5a6e', water: '#04193a', green: '#1d2a2a', road: '#3c4252', building: '#2c2f36' },
  light: { ocean: '#c9d8e6', land: '#f1efe9', coast: '#9fb2c4', borders: '#a8a39a', water: '#b9cde0', green: '#dfe8d6', road: '#ffffff', building: '#e2ddd3' },
};
