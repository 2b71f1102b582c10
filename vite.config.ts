import { defineConfig } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { webrtcInitChannelRacePatch } from './patches/webrtc-init-channel-race.ts'

export default defineConfig({
  plugins: [webrtcInitChannelRacePatch(), svelte()],
  build: {
    target: 'es2022',
    sourcemap: true,
    // libp2p is one large lazy chunk loaded after first paint; do not warn about it.
    chunkSizeWarningLimit: 1500
  },
  optimizeDeps: {
    // Pre-bundling would hide @libp2p/webrtc from the transform that patches it.
    exclude: ['@libp2p/webrtc']
  }
})
