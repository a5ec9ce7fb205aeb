import pino from "pino";

export type Logger = pino.Logger;
export type LogLevel = "error" | "warn" | "info" | "debug" | "silent";

/**
 * Creates the root logger. Logs go to standard error so that commands such as `classify` keep standard output
 * for their results. Modules take a child logger with `logger.child({ module: "name" })`.
 */
export function createLogger(level: LogLevel = "info"): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2));
}

/** A logger that drops everything, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
