/** A bad flag or environment variable; its message is one sentence that names the option. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}
