import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE_NAME = "emotion-hub";
const SHIPPED_MODEL = "models/emotion-cnn";

/** The folder holding emotion-hub's package.json, found from this file so it works from src/ and dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (isPackageRoot(dir)) {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`failed to find the package root of '${PACKAGE_NAME}' (no package.json above this module)`);
    }
    dir = parent;
  }
}

/** The model that ships with the package, wherever the command is run from. */
export function shippedModelPath(): string {
  return join(packageRoot(), SHIPPED_MODEL);
}

/**
 * Resolves a configured model folder: absolute paths as given; relative ones against the working directory when
 * that folder exists there, otherwise against the package root (so the default `models/emotion-cnn` always works).
 */
export function resolveModelPath(path: string): string {
  if (isAbsolute(path)) {
    return path;
  }
  const fromCwd = resolve(path);

  return existsSync(fromCwd) ? fromCwd : join(packageRoot(), path);
}

function isPackageRoot(dir: string): boolean {
  const file = join(dir, "package.json");
  if (!existsSync(file)) {
    return false;
  }
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}
