import { createRequire } from 'node:module'
import type * as WebPush from 'web-push'

// web-push is CommonJS and builds its exports object at run time, so Node's ESM loader
// cannot name them (`import { sendNotification }` comes back undefined): load it with require.
export const webPush = createRequire(import.meta.url)('web-push') as typeof WebPush
