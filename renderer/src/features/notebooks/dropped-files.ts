/** What to do with files dropped on the notebooks: a `.sql` opens as the notebook, data files as views by their path. */
export interface DropPlan {
  notebook?: File;
  /** Paths the desktop gave for the data files. */
  paths: string[];
  /** Data files whose path is unknown (a browser never says where a dropped file is). */
  unplaced: string[];
}

export function planDrop(files: readonly File[], pathOf?: (file: File) => string | undefined): DropPlan {
  const plan: DropPlan = { paths: [], unplaced: [] };
  for (const file of files) {
    if (/\.sql$/i.test(file.name) && !plan.notebook) plan.notebook = file;
    else {
      const path = pathOf?.(file);
      if (path) plan.paths.push(path);
      else plan.unplaced.push(file.name);
    }
  }
  return plan;
}
