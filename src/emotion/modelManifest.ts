import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { EMOTION_LABELS } from "./labels.js";

const manifestSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  labels: z
    .array(z.string())
    .refine((labels) => labels.join(",") === EMOTION_LABELS.join(","), `must be ${EMOTION_LABELS.join(", ")}`),
  // With enum keys, zod requires every label to have a threshold.
  thresholds: z.record(z.enum(EMOTION_LABELS), z.number().min(0).max(1)),
  normalization: z.object({ style: z.literal("voice"), maxChars: z.int().min(1) }),
  tokenizer: z.object({
    vocabulary: z.string().min(1),
    padId: z.int().min(0),
    unkId: z.int().min(0),
    maxTokens: z.int().min(1),
  }),
  onnx: z.object({ file: z.string().min(1), input: z.string().min(1), output: z.string().min(1) }),
});

/** The description of a trained model, read from `model.json` in the model's folder. */
export type ModelManifest = z.infer<typeof manifestSchema>;

/** Reads and checks `model.json`; throws an error naming the file and every problem in it. */
export async function readModelManifest(dir: string): Promise<ModelManifest> {
  const file = join(dir, "model.json");
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new Error(`failed to read model manifest '${file}' (${error instanceof Error ? error.message : error})`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`failed to read model manifest '${file}' (${problems.join("; ")})`);
  }

  return parsed.data;
}
