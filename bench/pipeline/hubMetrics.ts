/** Running totals from the hub's /metrics, enough to tell where its time goes between two readings. */
export interface HubCounters {
  classified: number;
  /** Sum and count of the classification-wait histogram (seconds). */
  classifySeconds: number;
  classifyCount: number;
  /** Sum and count of the transcript-to-emotion histogram (seconds, measured on a millisecond clock). */
  inHubSeconds: number;
  inHubCount: number;
  /** Rejected transcripts by reason label, e.g. `{reason="overloaded"}`. */
  rejected: Record<string, number>;
}

/** What the hub's own figures say about one run: mean milliseconds, and transcripts it turned away. */
export interface HubInternals {
  classifyMs: number;
  inHubMs: number;
  rejected: number;
}

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

/** Reads the totals out of the Prometheus text the hub serves on /metrics. */
export function parseHubCounters(text: string): HubCounters {
  const all = samples(text);
  const rejected: Record<string, number> = {};
  for (const sample of all.filter((s) => s.name === "emotion_hub_transcripts_rejected_total" && s.value > 0)) {
    rejected[sample.labels] = sample.value;
  }

  return {
    classified: total(all, "emotion_hub_classifications_total"),
    classifySeconds: total(all, "emotion_hub_classification_seconds_sum"),
    classifyCount: total(all, "emotion_hub_classification_seconds_count"),
    inHubSeconds: total(all, "emotion_hub_transcript_to_emotion_seconds_sum"),
    inHubCount: total(all, "emotion_hub_transcript_to_emotion_seconds_count"),
    rejected,
  };
}

function rejectedTotal(counters: HubCounters): number {
  return Object.values(counters.rejected).reduce((sum, value) => sum + value, 0);
}

function meanMs(seconds: number, count: number): number {
  return count > 0 ? (seconds / count) * 1000 : Number.NaN;
}

/** The hub's figures for what happened between two readings. */
export function hubInternals(before: HubCounters, after: HubCounters): HubInternals {
  return {
    classifyMs: meanMs(after.classifySeconds - before.classifySeconds, after.classifyCount - before.classifyCount),
    inHubMs: meanMs(after.inHubSeconds - before.inHubSeconds, after.inHubCount - before.inHubCount),
    rejected: rejectedTotal(after) - rejectedTotal(before),
  };
}

/** One line about the whole bench (warm-ups included), for the notes under the hub's table. */
export function summarizeHubCounters(counters: HubCounters): string {
  const rejected = Object.entries(counters.rejected).map(([labels, value]) => `${labels} ${value}`);

  return [
    `hub /metrics over the whole bench: ${counters.classified} classified`,
    `mean wait for a classification ${meanMs(counters.classifySeconds, counters.classifyCount).toFixed(2)} ms`,
    `mean transcript to emotion event inside the hub ${meanMs(counters.inHubSeconds, counters.inHubCount).toFixed(2)} ms`,
    `rejected ${rejected.length > 0 ? rejected.join(", ") : "none"}`,
  ].join(", ");
}
