/**
 * The web app manifest (vite-plugin-pwa writes it to dist/manifest.webmanifest and links it
 * from index.html). `id` pins the app's identity, so a later change of start_url does not
 * make it a different installed app. Icons: scripts/make-icons.mjs draws them.
 */
export const WEB_APP_MANIFEST = {
  id: '/',
  name: 'Murmur',
  short_name: 'Murmur',
  description: 'A decentralized, end-to-end encrypted messenger that runs in your browser.',
  start_url: '/',
  scope: '/',
  display: 'standalone' as const,
  theme_color: '#3b4cca',
  background_color: '#fbfbfd',
  icons: [
    { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: '/icons/icon-maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
    { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' }
  ]
}
