import { mount } from 'svelte'
import App from './ui/App.svelte'
import { BootState } from './ui/state/boot-state.svelte.ts'
import './ui/global.css'

const boot = new BootState()
mount(App, { target: document.getElementById('app')!, props: { boot } })
void boot.start()
