import { z } from "zod";

const HVAC_MODES = ["off", "heat", "cool", "heat_cool", "auto", "dry", "fan_only"] as const;
const MAX_PAYLOAD_BYTES = 16_384;

const entityIds = (domain: string) =>
  z
    .array(z.string().regex(new RegExp(`^${domain}\\.[a-z0-9_]+$`), `must be a '${domain}.<name>' entity id`))
    .min(1)
    .max(50);

const lightingSchema = z
  .strictObject({
    on: z.boolean().default(true).describe("false turns the lights off"),
    brightness_pct: z.number().min(0).max(100).optional(),
    color_temp_kelvin: z.number().int().min(2000).max(6500).optional(),
    rgb_color: z.tuple([byte(), byte(), byte()]).optional(),
    transition: z.number().min(0).max(300).optional().describe("Seconds"),
  })
  .refine((l) => l.color_temp_kelvin === undefined || l.rgb_color === undefined, {
    message: "give color_temp_kelvin or rgb_color, not both",
    path: ["rgb_color"],
  })
  .refine(
    (l) => l.on || (l.brightness_pct === undefined && l.color_temp_kelvin === undefined && l.rgb_color === undefined),
    {
      message: "turning off takes only transition",
      path: ["on"],
    },
  );

const musicSchema = z
  .strictObject({
    media_content_id: z.string().min(1).max(1000).optional(),
    media_content_type: z.string().min(1).max(100).optional(),
    volume_level: z.number().min(0).max(1).optional(),
    stop: z.boolean().optional(),
  })
  .refine((m) => (m.media_content_id === undefined) === (m.media_content_type === undefined), {
    message: "give media_content_id and media_content_type together",
    path: ["media_content_type"],
  })
  .refine((m) => !(m.stop === true && m.media_content_id !== undefined), {
    message: "stop and media_content_id exclude each other",
    path: ["stop"],
  })
  .refine((m) => m.media_content_id !== undefined || m.volume_level !== undefined || m.stop === true, {
    message: "needs media_content_id and media_content_type, volume_level, or stop",
  });

/**
 * Wide enough for thermostats in °C (about 5-35) and in °F (about 40-95): the number is in Home Assistant's
 * unit system, which the scene does not know, and Home Assistant checks it against each thermostat's own range.
 */
const TEMPERATURE = { min: 4, max: 100 };

const climateSchema = z
  .strictObject({
    temperature: z
      .number()
      .min(TEMPERATURE.min)
      .max(TEMPERATURE.max)
      .optional()
      .describe("In Home Assistant's unit, °C or °F"),
    hvac_mode: z.enum(HVAC_MODES).optional(),
  })
  .refine((c) => c.temperature !== undefined || c.hvac_mode !== undefined, {
    message: "needs temperature or hvac_mode",
  });

/** A scene: what a room should look and sound like. At least one of lighting, music, climate or haScene. */
export const sceneSchema = z
  .strictObject({
    name: z.string().min(1).max(100).optional(),
    lighting: lightingSchema.optional(),
    music: musicSchema.optional(),
    climate: climateSchema.optional(),
    haScene: z
      .string()
      .regex(/^scene\.[a-z0-9_]+$/, "must be a 'scene.<name>' entity id")
      .optional(),
    entities: z
      .strictObject({
        light: entityIds("light").optional(),
        media_player: entityIds("media_player").optional(),
        climate: entityIds("climate").optional(),
      })
      .optional()
      .describe("Entities to target instead of the room's area, by domain"),
    transaction: z.string().max(100).optional().describe("Echoed in the outcome"),
  })
  .refine((s) => [s.lighting, s.music, s.climate, s.haScene].some((part) => part !== undefined), {
    message: "needs at least one of lighting, music, climate or haScene",
  });

export type Scene = z.infer<typeof sceneSchema>;

/** One Home Assistant service call. */
export interface ServiceCall {
  domain: string;
  service: string;
  service_data: Record<string, unknown>;
  target: { area_id?: string; entity_id?: string | string[] };
}

/**
 * The service calls a scene implies, in the order they should run: the Home Assistant scene first (a base
 * the other parts refine), then lighting, music (volume before playing, so it never starts too loud), climate.
 */
export function serviceCallsFor(scene: Scene, area: string): ServiceCall[] {
  const target = (domain: "light" | "media_player" | "climate") => {
    const ids = scene.entities?.[domain];
    return ids === undefined ? { area_id: area } : { entity_id: ids };
  };
  const calls: ServiceCall[] = [];
  if (scene.haScene !== undefined) {
    calls.push(call("scene", "turn_on", {}, { entity_id: scene.haScene }));
  }
  if (scene.lighting !== undefined) {
    calls.push(lightingCall(scene.lighting, target("light")));
  }
  if (scene.music !== undefined) {
    calls.push(...musicCalls(scene.music, target("media_player")));
  }
  if (scene.climate !== undefined) {
    calls.push(climateCall(scene.climate, target("climate")));
  }

  return calls;
}

/** Parses and validates a scene payload; each problem is named by its path. */
export function parseScene(payload: Buffer | string): { ok: true; scene: Scene } | { ok: false; error: string } {
  const bytes = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
  if (bytes.length > MAX_PAYLOAD_BYTES) {
    return { ok: false, error: `scene is larger than ${MAX_PAYLOAD_BYTES} bytes` };
  }

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    const reason = error instanceof SyntaxError ? "not valid JSON" : "not valid UTF-8";
    return { ok: false, error: `scene is ${reason}` };
  }
  const parsed = sceneSchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      error: parsed.error.issues.map((issue) => `${pathOf(issue.path)}: ${issue.message}`).join("; "),
    };
  }

  return { ok: true, scene: parsed.data };
}

function byte() {
  return z.number().int().min(0).max(255);
}

function call(
  domain: string,
  service: string,
  data: Record<string, unknown>,
  target: ServiceCall["target"],
): ServiceCall {
  return { domain, service, service_data: data, target };
}

function lightingCall(lighting: NonNullable<Scene["lighting"]>, target: ServiceCall["target"]): ServiceCall {
  const { on, ...data } = lighting;

  return on ? call("light", "turn_on", data, target) : call("light", "turn_off", data, target);
}

function musicCalls(music: NonNullable<Scene["music"]>, target: ServiceCall["target"]): ServiceCall[] {
  const calls: ServiceCall[] = [];
  if (music.stop === true) {
    calls.push(call("media_player", "media_stop", {}, target));
  }
  if (music.volume_level !== undefined) {
    calls.push(call("media_player", "volume_set", { volume_level: music.volume_level }, target));
  }
  if (music.media_content_id !== undefined) {
    const data = { media_content_id: music.media_content_id, media_content_type: music.media_content_type };
    calls.push(call("media_player", "play_media", data, target));
  }

  return calls;
}

function climateCall(climate: NonNullable<Scene["climate"]>, target: ServiceCall["target"]): ServiceCall {
  if (climate.temperature === undefined) {
    return call("climate", "set_hvac_mode", { hvac_mode: climate.hvac_mode }, target);
  }

  return call("climate", "set_temperature", { ...climate }, target);
}

function pathOf(path: PropertyKey[]): string {
  return path.length === 0 ? "scene" : path.map(String).join(".");
}
