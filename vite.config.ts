import { defineConfig } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { VitePWA } from 'vite-plugin-pwa'
import { webrtcInitChannelRacePatch } from './patches/webrtc-init-channel-race.ts'
import { kadDhtPutFromPatch } from './patches/kad-dht-put-from.ts'
import { contentSecurityPolicy } from './relay/content-security-policy.ts'
import { WEB_APP_MANIFEST } from './src/web-app-manifest.ts'

export default defineConfig({
  plugins: [
    webrtcInitChannelRacePatch(),
    kadDhtPutFromPatch(),
    svelte(),
    VitePWA({
      // Our own service worker (src/sw/sw.ts) with Workbox's precache list injected.
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      // Registered by src/app/pwa/service-worker.ts through a Trusted Types policy.
      injectRegister: false,
      manifestFilename: 'manifest.webmanifest',
      manifest: WEB_APP_MANIFEST,
      injectManifest: {
        // The app shell and the lazy libp2p chunk (so a warm start never waits on it);
        // source maps stay on the network.
        globPatterns: ['**/*.{js,css,html,png,svg,webmanifest}'],
        maximumFileSizeToCacheInBytes: 3 * 1024 * 1024
      }
    })
  ],
  server: { headers: { 'Content-Security-Policy': contentSecurityPolicy({ dev: true }) } },
  preview: { headers: { 'Content-Security-Policy': contentSecurityPolicy() } },
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
