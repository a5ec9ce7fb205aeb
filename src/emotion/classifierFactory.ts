import type { Classifier, ClassifierOptions } from "./classifier.js";

type Backend = (options: ClassifierOptions) => Promise<Classifier>;

/** Model backends by config `type`. A new backend is a new file and one line here. */
const BACKENDS: Record<string, Backend> = {
  // Imported lazily so that the native runtime loads only when this backend is chosen.
  onnx: async (options) => (await import("./onnxClassifier.js")).OnnxClassifier.load(options),
};

/** Loads the model in `options.path` with the backend named by `options.type`. */
export async function createClassifier(options: ClassifierOptions): Promise<Classifier> {
  const backend = Object.hasOwn(BACKENDS, options.type) ? BACKENDS[options.type] : undefined;
  if (backend === undefined) {
    const known = Object.keys(BACKENDS).join(", ");
    throw new Error(`failed to create classifier of type '${options.type}' (unknown type; known: ${known})`);
  }

  return backend(options);
}
