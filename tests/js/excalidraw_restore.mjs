// Load an .excalidraw file with Excalidraw's own `restore` (what excalidraw.com runs on a
// file it opens) and print what it made of it as JSON: {elements, files}.
// Usage: node excalidraw_restore.mjs FILE
//
// Excalidraw's package is written for a bundler (extension-less imports, JSON without
// import attributes, CSS imports), so it is bundled once by esbuild into
// node_modules/.cache, and run under jsdom. jsdom has no canvas: a 2D context that measures
// every character 10px wide stands in (restore measures text only to re-fit bound text).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { JSDOM } from "jsdom";

const here = path.dirname(fileURLToPath(import.meta.url));
const version = JSON.parse(fs.readFileSync(
  path.join(here, "node_modules/@excalidraw/excalidraw/package.json"), "utf8")).version;
const bundle = path.join(here, "node_modules/.cache", `excalidraw-restore-${version}.mjs`);

if (!fs.existsSync(bundle)) {
  const partial = `${bundle}.${process.pid}`;
  await esbuild.build({
    stdin: { contents: 'export { restore } from "@excalidraw/excalidraw";',
             resolveDir: here, loader: "js" },
    bundle: true, format: "esm", platform: "browser", outfile: partial, logLevel: "error",
    loader: { ".css": "empty", ".woff2": "empty" },
  });
  fs.renameSync(partial, bundle);  // whole or not at all, if two tests build at once
}

const dom = new JSDOM("<!doctype html><html><body></body></html>",
                      { url: "http://localhost/", pretendToBeVisual: true });
const win = dom.window;
win.HTMLCanvasElement.prototype.getContext = () => ({
  filter: "none", font: "",
  measureText: (text) => ({ width: 10 * [...text].length, actualBoundingBoxAscent: 8,
                            actualBoundingBoxDescent: 2 }),
  fillText() {}, save() {}, restore() {}, scale() {}, translate() {}, fillRect() {},
  clearRect() {},
});
for (const name of Object.getOwnPropertyNames(win)) {
  if (!(name in globalThis)) {
    try { globalThis[name] = win[name]; } catch { /* read-only in Node: keep Node's */ }
  }
}
for (const name of ["window", "document", "navigator"]) {
  Object.defineProperty(globalThis, name, { value: win[name], configurable: true });
}

const { restore } = await import(pathToFileURL(bundle).href);
const scene = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
// As excalidraw.com opens a file (data/blob.ts: loadFromBlob).
const restored = restore(scene, null, null, { repairBindings: true, refreshDimensions: false });
process.stdout.write(JSON.stringify({ elements: restored.elements,
                                      files: Object.keys(restored.files || {}) }));
process.exit(0);
