/** One field of a service's data, checked the way Home Assistant's voluptuous schemas check it. */
export type FieldSpec = (
  | { kind: "int" | "float"; min?: number; max?: number }
  | { kind: "string" | "bool" | "rgb" | "object" | "entity_ids" }
  | { kind: "enum"; options: readonly string[] }
) & { required?: boolean; exclusive?: string };

export type Fields = Record<string, FieldSpec>;

export type Validated = { ok: true; data: Record<string, unknown> } | { ok: false; message: string };

/** Checks service data and returns it coerced, or the message Home Assistant would give. */
export function validateFields(fields: Fields, data: Record<string, unknown>): Validated {
  const out: Record<string, unknown> = {};
  const groups = new Map<string, string>();
  for (const [key, value] of Object.entries(data)) {
    const spec = fields[key];
    if (spec === undefined) {
      return { ok: false, message: `extra keys not allowed @ data['${key}']` };
    }

    const group = spec.exclusive;
    if (group !== undefined && groups.has(group)) {
      return { ok: false, message: `two or more values in the same group of exclusion '${group}' @ data[<${group}>]` };
    }

    if (group !== undefined) {
      groups.set(group, key);
    }
    const checked = checkValue(spec, value);
    if (typeof checked === "string") {
      return { ok: false, message: `${checked} for dictionary value @ data['${key}']` };
    }

    out[key] = checked.value;
  }

  return missingRequired(fields, out) ?? { ok: true, data: out };
}

function missingRequired(fields: Fields, data: Record<string, unknown>): Validated | undefined {
  const missing = Object.keys(fields).find((key) => fields[key]?.required === true && !(key in data));

  return missing === undefined ? undefined : { ok: false, message: `required key not provided @ data['${missing}']` };
}

// The coerced value, or the reason it is refused.
function checkValue(spec: FieldSpec, value: unknown): { value: unknown } | string {
  switch (spec.kind) {
    case "int":
    case "float":
      return checkNumber(spec.kind, value, spec.min, spec.max);
    case "string":
      return typeof value === "string" ? { value } : "expected str";
    case "bool":
      return typeof value === "boolean" ? { value } : `invalid boolean value ${pythonRepr(value)}`;
    case "enum":
      return typeof value === "string" && spec.options.includes(value)
        ? { value }
        : `value must be one of [${spec.options.map((o) => `'${o}'`).join(", ")}]`;
    case "rgb":
      return isRgb(value) ? { value } : "expected a list of three integers from 0 to 255";
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value) ? { value } : "expected dict";
    case "entity_ids":
      return checkEntityIds(value);
  }
}

function checkNumber(kind: "int" | "float", value: unknown, min?: number, max?: number): { value: number } | string {
  // Like vol.Coerce: numbers and numeric strings pass, anything else does not.
  const parsed = typeof value === "number" || (typeof value === "string" && value.trim() !== "") ? Number(value) : NaN;
  if (!Number.isFinite(parsed) || typeof value === "boolean") {
    return `expected ${kind}`;
  }

  const number = kind === "int" ? Math.trunc(parsed) : parsed;
  if (min !== undefined && number < min) {
    return `value must be at least ${min}`;
  }

  if (max !== undefined && number > max) {
    return `value must be at most ${max}`;
  }

  return { value: number };
}

function isRgb(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length === 3 &&
    value.every((part) => Number.isInteger(part) && (part as number) >= 0 && (part as number) <= 255)
  );
}

function checkEntityIds(value: unknown): { value: string[] } | string {
  const ids = typeof value === "string" ? value.split(",").map((id) => id.trim()) : value;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === "string" && /^[a-z0-9_]+\.[a-z0-9_]+$/.test(id))) {
    return `Entity ID ${pythonRepr(value)} is an invalid entity ID`;
  }

  return { value: ids as string[] };
}

function pythonRepr(value: unknown): string {
  return typeof value === "string" ? `'${value}'` : (JSON.stringify(value) ?? "None");
}

/** The `fields` part of a `get_services` entry. */
export function describeFields(fields: Fields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(fields)) {
    if (key === "entity_id") {
      continue;
    }

    out[key] = { ...(spec.required ? { required: true } : {}), selector: selectorOf(spec) };
  }

  return out;
}

function selectorOf(spec: FieldSpec): Record<string, unknown> {
  switch (spec.kind) {
    case "int":
    case "float":
      return { number: { min: spec.min ?? 0, max: spec.max ?? 100000 } };
    case "enum":
      return { select: { options: spec.options } };
    case "bool":
      return { boolean: null };
    case "rgb":
      return { color_rgb: null };
    case "object":
      return { object: null };
    default:
      return { text: null };
  }
}
