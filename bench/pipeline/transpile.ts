import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

const LOCAL_IMPORT = /\bfrom\s+"(\.{1,2}\/[^"]+)\.js"/g;

/**
 * Compiles `entry` and the project files it imports (relative imports, followed) to plain JavaScript under `outDir`,
 * keeping their places relative to `root`, so that a helper process runs on bare `node`. The tsx loader would
 * add about 25 MB of resident memory to the process being measured.
 */
export function transpileTree(entry: string, root: string, outDir: string): string {
  const pending = [resolve(entry)];
  const done = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (done.has(file)) {
      continue;
    }

    done.add(file);
    const source = readFileSync(file, "utf8");
    const output = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    }).outputText;
    const target = join(outDir, relative(root, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output);
    for (const match of output.matchAll(LOCAL_IMPORT)) {
      pending.push(resolve(dirname(file), `${match[1]}.ts`));
    }
  }
  writeFileSync(join(outDir, "package.json"), '{ "type": "module" }\n');
  // Packages resolve by walking up from the importing file, so the project's node_modules must be reachable.
  symlinkSync(join(root, "node_modules"), join(outDir, "node_modules"), "dir");

  return join(outDir, relative(root, entry)).replace(/\.ts$/, ".js");
}
