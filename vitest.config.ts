import { defineConfig } from 'vitest/config'
import { svelte } from '@sveltejs/vite-plugin-svelte'

// Four projects: the pure core (fast, parallel); the security tests (issue 15: one per hole
// closed, unit-style, some rendering Svelte components on the server, some against a real
// relay process, so they take the relay project's timeouts or longer); the relay as a real
// Node process; and end-to-end runs that drive real Chromium processes through a real relay.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node'
        }
      },
      {
        // Components render with svelte/server: no DOM library needed.
        plugins: [svelte()],
        test: {
          name: 'security',
          include: ['test/security/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000
        }
      },
      {
        test: {
          name: 'relay',
          include: ['test/relay/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000
        }
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/harness/node-shims.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Browsers are heavy on a 2-core machine: one file at a time.
          fileParallelism: false
        }
      }
    ]
  }
})
