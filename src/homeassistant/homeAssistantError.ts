/**
 * A failed exchange with Home Assistant. `code` is Home Assistant's own error code (`not_found`,
 * `invalid_format`, `service_validation_error`, ...) or one of the client's: `timeout`, `not_connected`,
 * `connection_lost`, `auth_invalid`, `unauthorized`.
 */
export class HomeAssistantError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = "HomeAssistantError";
    this.code = code;
  }
}

/** Error codes after which reconnecting cannot help until the token or its user changes. */
export const FATAL_CODES: ReadonlySet<string> = new Set(["auth_invalid", "unauthorized"]);
