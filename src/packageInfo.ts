import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The package's root folder: one level above `src/` or `dist/`, where this file lives. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The package version, for logs, discovery and the hub's state. */
export const VERSION: string = (
  JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }
).version;

/** Resolves a configured path: absolute as given, else from the working folder, else from the package root. */
export function resolveFromPackage(configured: string): string {
  if (path.isAbsolute(configured)) {
    return configured;
  }
  const fromCwd = path.resolve(configured);

  return existsSync(fromCwd) ? fromCwd : path.join(PACKAGE_ROOT, configured);
}
