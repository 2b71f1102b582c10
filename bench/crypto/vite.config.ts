import { defineConfig } from 'vite'

// One IIFE script the crypto bench injects into a page of the app's origin.
export default defineConfig({
  build: {
    lib: { entry: 'bench/crypto/browser-entry.ts', formats: ['iife'], name: 'murmurCryptoBenchBundle', fileName: () => 'crypto-bench.js' },
    outDir: '.tmp/crypto-bench',
    emptyOutDir: true,
    minify: true,
    target: 'es2022'
  }
})
