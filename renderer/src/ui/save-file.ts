/** Saves text, bytes or a Blob as a file through the browser's download (the desktop shell saves it the same way). */
export function saveFile(data: BlobPart, name: string, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([data], { type }));
  a.download = name;
  a.click();
  // The download reads the URL after click() returns: let it go a while later.
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
