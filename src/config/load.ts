import { readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { type Config, configSchema } from "./schema.js";

/** Secrets never live in the config object's printable parts: they come from the environment or files. */
export interface Secrets {
  homeAssistantToken?: string;
  mqttPassword?: string;
  credentialSecret?: string;
}

export type LoadResult =
  | { ok: true; config: Config; secrets: Secrets; file?: string }
  | { ok: false; problems: string[] };

export interface LoadOptions {
  /** The file named by `--config`; falls back to `EMOTION_HUB_CONFIG`; neither means embedded defaults. */
  file?: string;
  env?: NodeJS.ProcessEnv;
}

/** Reads, validates and completes the configuration, or lists every problem as `<path>: <message>`. */
export function loadConfig(options: LoadOptions = {}): LoadResult {
  const env = options.env ?? process.env;
  const file = options.file ?? (env.EMOTION_HUB_CONFIG || undefined);
  const raw = file === undefined ? { ok: true as const, value: {} } : readYaml(file);
  if (!raw.ok) {
    return { ok: false, problems: raw.problems };
  }

  const parsed = configSchema.safeParse(raw.value ?? {});
  if (!parsed.success) {
    return { ok: false, problems: formatIssues(parsed.error.issues) };
  }

  const secrets = readSecrets(parsed.data, env);
  if (!secrets.ok) {
    return { ok: false, problems: secrets.problems };
  }

  return { ok: true, config: parsed.data, secrets: secrets.value, file };
}

function readYaml(file: string): { ok: true; value: unknown } | { ok: false; problems: string[] } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return { ok: false, problems: [`${file}: cannot read the config file (${(error as NodeJS.ErrnoException).code})`] };
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, lineCounter });
  if (document.errors.length > 0) {
    const problems = document.errors.map((e) => `${file}:${lineCounter.linePos(e.pos[0]).line}: ${e.message}`);

    return { ok: false, problems };
  }

  return { ok: true, value: document.toJS() };
}

/** One line per problem; an unknown key names the key itself in the path. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        lines.push(`${[...path, key].join(".")}: unknown key`);
      }
      continue;
    }
    if (issue.code === "invalid_key" || issue.code === "invalid_union") {
      const inner = "issues" in issue && Array.isArray(issue.issues) ? issue.issues.flat() : [];
      const message = (inner[0] as { message?: string } | undefined)?.message ?? issue.message;
      lines.push(`${path.join(".") || "(root)"}: ${message}`);
      continue;
    }
    lines.push(`${path.join(".") || "(root)"}: ${issue.message}`);
  }

  return lines;
}

function readSecret(
  env: NodeJS.ProcessEnv,
  variable: string,
  file: string | undefined,
  path: string,
  problems: string[],
) {
  if (env[variable]) {
    return env[variable];
  }
  if (file === undefined) {
    return undefined;
  }
  let secret: string;
  try {
    secret = readFileSync(file, "utf8").trim();
  } catch (error) {
    problems.push(`${path}: cannot read '${file}' (${(error as NodeJS.ErrnoException).code})`);

    return undefined;
  }
  if (secret === "") {
    // An empty token or password would only fail later, at log-in, far from its cause.
    problems.push(`${path}: '${file}' is empty`);

    return undefined;
  }

  return secret;
}

function readSecrets(
  config: Config,
  env: NodeJS.ProcessEnv,
): { ok: true; value: Secrets } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const token = readSecret(env, "HA_TOKEN", config.homeassistant.tokenFile, "homeassistant.tokenFile", problems);
  const password = readSecret(env, "MQTT_PASSWORD", config.mqtt.passwordFile, "mqtt.passwordFile", problems);
  if (config.homeassistant.url !== undefined && token === undefined && problems.length === 0) {
    problems.push("homeassistant.tokenFile: a token is required with homeassistant.url (set HA_TOKEN or tokenFile)");
  }
  if (problems.length > 0) {
    return { ok: false, problems };
  }
  const credentialSecret = config.nodered.credentialSecret ?? (env.NODERED_CREDENTIAL_SECRET || undefined);

  return { ok: true, value: { homeAssistantToken: token, mqttPassword: password, credentialSecret } };
}
