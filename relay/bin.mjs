#!/usr/bin/env node
// `murmur-relay [options]` (package.json "bin"): the relay alone, without building the
// app, e.g. from a systemd unit. Same program and options as `npm run relay -- [options]`.
import './preload.mjs'

await import('./main.ts')
