export * from './logger.ts'
export * from './events.ts'
export * from './diagnostics.ts'
export * from './error-message.ts'
