/** One sample line of the Prometheus text format: `name{labels} value`. */
interface Sample {
  name: string;
  labels: string;
  value: number;
}

function samples(text: string): Sample[] {
  const parsed: Sample[] = [];
  for (const line of text.split("\n")) {
    const match = /^([a-z_:][a-z0-9_:]*)(\{[^}]*\})?\s+(\S+)/i.exec(line);
    if (match?.[1] !== undefined && match[3] !== undefined) {
      parsed.push({ name: match[1], labels: match[2] ?? "", value: Number(match[3]) });
    }
  }

  return parsed;
}

function total(all: Sample[], name: string): number {
  return all.filter((sample) => sample.name === name).reduce((sum, sample) => sum + sample.value, 0);
}

function meanMs(all: Sample[], histogram: string): string {
  const count = total(all, `${histogram}_count`);

  return count > 0 ? `${((total(all, `${histogram}_sum`) / count) * 1000).toFixed(2)} ms` : "-";
}

/**
 * What the hub's own /metrics says about the whole bench (warm-ups included): how many transcripts it classified,
 * the mean wait for a classification, the mean time from arrival to publishing inside the hub, and rejections.
 */
export function summarizeHubMetrics(text: string): string {
  const all = samples(text);
  const rejected = all
    .filter((sample) => sample.name === "emotion_hub_transcripts_rejected_total" && sample.value > 0)
    .map((sample) => `${sample.labels} ${sample.value}`);
  const classified = total(all, "emotion_hub_classifications_total");

  return [
    `hub /metrics over the whole bench: ${classified} classified`,
    `mean wait for a classification ${meanMs(all, "emotion_hub_classification_seconds")}`,
    `mean transcript to emotion event inside the hub ${meanMs(all, "emotion_hub_transcript_to_emotion_seconds")} (millisecond clock)`,
    `rejected ${rejected.length > 0 ? rejected.join(", ") : "none"}`,
  ].join(", ");
}
