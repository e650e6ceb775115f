/** Text files bundled as strings by Vite's `?raw` (the user guide). */
declare module '*.md?raw' {
  const text: string;
  export default text;
}
