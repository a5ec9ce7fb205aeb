type Rgb = [number, number, number];

/** The kelvin a light reports after storing the value in whole mireds (3000 K comes back as 3003 K). */
export function normaliseKelvin(kelvin: number, min: number, max: number): { kelvin: number; mireds: number } {
  const mireds = Math.round(1_000_000 / Math.min(max, Math.max(min, kelvin)));

  return { kelvin: Math.floor(1_000_000 / mireds), mireds };
}

/** An approximation of a black body's colour, good enough for a simulated light's attributes. */
export function kelvinToRgb(kelvin: number): Rgb {
  const t = kelvin / 100;
  const red = t <= 66 ? 255 : 329.698727446 * (t - 60) ** -0.1332047592;
  const green = t <= 66 ? 99.4708025861 * Math.log(t) - 161.1195681661 : 288.1221695283 * (t - 60) ** -0.0755148492;
  const blue = t >= 66 ? 255 : t <= 19 ? 0 : 138.5177312231 * Math.log(t - 10) - 305.0447927307;

  return [clampByte(red), clampByte(green), clampByte(blue)];
}

export function rgbToHs([r, g, b]: Rgb): [number, number] {
  const max = Math.max(r, g, b);
  const delta = max - Math.min(r, g, b);
  if (max === 0 || delta === 0) {
    return [0, 0];
  }

  const sector = max === r ? ((g - b) / delta) % 6 : max === g ? (b - r) / delta + 2 : (r - g) / delta + 4;
  const hue = (sector * 60 + 360) % 360;

  return [round3(hue), round3((delta / max) * 100)];
}

export function rgbToXy(rgb: Rgb): [number, number] {
  const [r, g, b] = rgb.map((c) => {
    const v = c / 255;
    return v > 0.04045 ? ((v + 0.055) / 1.055) ** 2.4 : v / 12.92;
  }) as Rgb;
  const x = r * 0.4124 + g * 0.3576 + b * 0.1805;
  const y = r * 0.2126 + g * 0.7152 + b * 0.0722;
  const z = r * 0.0193 + g * 0.1192 + b * 0.9505;
  const sum = x + y + z;

  return sum === 0 ? [0, 0] : [round3(x / sum), round3(y / sum)];
}

function clampByte(value: number): number {
  return Math.round(Math.min(255, Math.max(0, value)));
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
