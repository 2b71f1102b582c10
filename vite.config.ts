import { defineConfig } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { webrtcInitChannelRacePatch } from './patches/webrtc-init-channel-race.ts'
import { kadDhtPutFromPatch } from './patches/kad-dht-put-from.ts'

export default defineConfig({
  plugins: [webrtcInitChannelRacePatch(), kadDhtPutFromPatch(), svelte()],
  build: {
    target: 'es2022',
    sourcemap: true,
    // libp2p is one large lazy chunk loaded after first paint; do not warn about it.
    chunkSizeWarningLimit: 1500
  },
  optimizeDeps: {
    // Pre-bundling would hide these from the transforms that patch them.
    exclude: ['@libp2p/webrtc', '@libp2p/kad-dht']
  }
})
