/** What to do with files dropped on the notebooks: a `.sql` opens as the notebook, data files as views by their path. */
export interface DropPlan {
  notebook?: File;
  /** Paths the desktop gave for the data files. */
  paths: string[];
  /** Data files whose path is unknown (a browser never says where a dropped file is). */
  unplaced: string[];
}

/** A Shapefile's side files: GDAL reads them beside its .shp, so dropped with it they are not opened apart. */
const SIDE_FILE = /\.(shx|dbf|prj|cpg|qix|sbn|sbx)$/i;
const stem = (name: string) => name.replace(/\.[^.]*$/, '').toLowerCase();

export function planDrop(files: readonly File[], pathOf?: (file: File) => string | undefined): DropPlan {
  const plan: DropPlan = { paths: [], unplaced: [] };
  const shapefiles = new Set(files.filter((f) => /\.shp$/i.test(f.name)).map((f) => stem(f.name)));
  for (const file of files) {
    if (SIDE_FILE.test(file.name) && shapefiles.has(stem(file.name))) continue;
    if (/\.sql$/i.test(file.name) && !plan.notebook) plan.notebook = file;
    else {
      const path = pathOf?.(file);
      if (path) plan.paths.push(path);
      else plan.unplaced.push(file.name);
    }
  }
  return plan;
}
