/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Relays built into the app, comma-separated multiaddrs (src/app/relay-list.ts). */
  readonly VITE_MURMUR_RELAYS?: string
}
