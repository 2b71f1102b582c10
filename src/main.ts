import { mount } from 'svelte'
import App from './ui/App.svelte'
import { BootState } from './ui/state/boot-state.svelte.ts'
import './ui/global.css'

const boot = new BootState()
// Read-only handle for people debugging a tab and for the benchmarks and end-to-end tests,
// which read the typed events (src/diagnostics/events.ts) from the page.
Object.defineProperty(globalThis, 'murmurDiagnostics', { value: boot.diagnostics })
mount(App, { target: document.getElementById('app')!, props: { boot } })
void boot.start()
