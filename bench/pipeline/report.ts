import type { Qos, SubjectName } from "./subject.js";
import type { RunRow } from "./subjectRuns.js";

const TITLES: Record<SubjectName, string> = {
  relay: "bare relay (subscribe and republish through MqttClient; the floor)",
  nodered: "Node-RED 4 with node-red-node-sentiment between mqtt in and mqtt out",
  hub: "emotion-hub (transcript in, emotion event out)",
};

/** A Markdown table, so that the printed report pastes straight into docs/benchmarks.md. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  const rule = `| ${widths.map((width) => "-".repeat(width)).join(" | ")} |`;

  return [line(header), rule, ...rows.map(line)].join("\n");
}

function ms(value: number): string {
  if (Number.isNaN(value)) {
    return "-";
  }

  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}

function ratio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : "-";
}

function load(row: RunRow): string {
  return row.rate === undefined ? "full speed" : `${row.rate}/s`;
}

function internalsCells(row: RunRow): string[] {
  const internals = row.internals;
  if (internals === undefined) {
    return ["-", "-", "-"];
  }

  return [ms(internals.classifyMs), ms(internals.inHubMs), String(internals.rejected)];
}

/** The table of one subject's runs; the hub's has its own figures for each run as well. */
export function subjectTable(subject: SubjectName, rows: RunRow[], notes: string[]): string {
  const header = ["QoS", "load", "sent", "received", "lost", "p50 ms", "p95 ms", "p99 ms", "max ms", "msg/s", "RSS MB"];
  const withInternals = rows.some((row) => row.internals !== undefined);
  if (withInternals) {
    header.push("classify ms", "in hub ms", "rejected");
  }
  const lines = rows.map((row) => {
    const r = row.result;
    const numbers = [r.sent, r.received, r.lost].map(String);
    const latency = [r.p50, r.p95, r.p99, r.max].map(ms);
    const line = [String(row.qos), load(row), ...numbers, ...latency, Math.round(r.throughput).toString()];
    line.push(row.rssMb.toFixed(0), ...(withInternals ? internalsCells(row) : []));

    return line;
  });
  const extra = rows
    .filter((row) => row.result.publishErrors > 0 || row.result.strays > 0)
    .map(
      (row) =>
        `QoS ${row.qos} ${load(row)}: ${row.result.publishErrors} publish errors, ${row.result.strays} stray answers`,
    );
  const lags = rows.filter((row) => row.rate !== undefined).map((row) => row.result.sendLagP99);
  const lagNote = `scheduler: p99 lateness of a paced send ${ms(Math.max(...lags))} ms at worst`;
  const internalsNote = withInternals
    ? [
        "classify ms and in hub ms: the hub's own means for the run (/metrics), waiting for the model and arrival to publish",
      ]
    : [];
  const allNotes = [...notes, ...internalsNote, ...extra, lagNote].map((note) => `- ${note}`);

  return [`### ${subject}: ${TITLES[subject]}`, "", table(header, lines), "", ...allNotes].join("\n");
}

function find(rows: RunRow[], subject: SubjectName, qos: Qos, rate: number | undefined): RunRow | undefined {
  return rows.find((row) => row.subject === subject && row.qos === qos && row.rate === rate);
}

function verdict(p50: number, p99: number, target: number | undefined, row: RunRow): string[] {
  if (target === undefined) {
    return [];
  }

  // At full speed latency is the window divided by the throughput (Little's law); the target is for paced loads.
  if (row.rate === undefined) {
    return ["n/a"];
  }

  return [p50 <= target && p99 <= target ? "yes" : "no"];
}

function latencyRatios(rows: RunRow[], peer: SubjectName, target?: number): string {
  const header = ["QoS", "load", "hub p50", `${peer} p50`, "p50 ratio", "hub p99", `${peer} p99`, "p99 ratio"];
  if (target !== undefined) {
    header.push(`within ${target}x`);
  }
  const lines: string[][] = [];
  for (const hub of rows.filter((row) => row.subject === "hub")) {
    const other = find(rows, peer, hub.qos, hub.rate);
    if (other === undefined) {
      continue;
    }

    const p50 = hub.result.p50 / other.result.p50;
    const p99 = hub.result.p99 / other.result.p99;
    const line = [String(hub.qos), load(hub), ms(hub.result.p50), ms(other.result.p50), ratio(p50)];
    line.push(ms(hub.result.p99), ms(other.result.p99), ratio(p99), ...verdict(p50, p99, target, hub));
    lines.push(line);
  }

  return table(header, lines);
}

function throughputRatios(rows: RunRow[]): string {
  const header = ["QoS", "hub msg/s", "nodered msg/s", "ratio", "at least Node-RED", "hub RSS MB", "nodered RSS MB"];
  const lines: string[][] = [];
  for (const hub of rows.filter((row) => row.subject === "hub" && row.rate === undefined)) {
    const peer = find(rows, "nodered", hub.qos, undefined);
    if (peer === undefined) {
      continue;
    }

    const value = hub.result.throughput / peer.result.throughput;
    const numbers = [hub.result.throughput, peer.result.throughput].map((n) => Math.round(n).toString());
    lines.push([
      String(hub.qos),
      ...numbers,
      ratio(value),
      value >= 1 ? "yes" : "no",
      hub.rssMb.toFixed(0),
      peer.rssMb.toFixed(0),
    ]);
  }

  return table(header, lines);
}

/** The hub against the floor and against the peer, with the targets of issue 3 (printed, not asserted). */
export function ratios(rows: RunRow[]): string {
  const has = (subject: SubjectName) => rows.some((row) => row.subject === subject);
  if (!has("hub")) {
    return "";
  }

  const parts: string[] = [];
  if (has("relay")) {
    parts.push(
      "### hub / relay latency (target: within 1.5x at every rate)",
      "",
      latencyRatios(rows, "relay", 1.5),
      "",
    );
  }
  if (has("nodered")) {
    parts.push("### hub / Node-RED throughput at full speed (target: at least 1.0x)", "", throughputRatios(rows), "");
    parts.push("### hub / Node-RED latency", "", latencyRatios(rows, "nodered"), "");
  }

  return parts.join("\n");
}
