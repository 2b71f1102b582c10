import { mount } from 'svelte'
import App from './ui/App.svelte'
import { AppState } from './ui/state/app-state.svelte.ts'
import './ui/global.css'

const state = new AppState()
mount(App, { target: document.getElementById('app')!, props: { state } })
void state.start()
