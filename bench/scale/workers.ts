import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import type { WorkerReply, WorkerRequest } from './reserve-worker.ts'
import { killOnExit } from './support.ts'

/** A handful of reserve-worker processes and a request/reply call to each; calls may overlap (replies carry the request's id). */
export interface WorkerPool {
  size: number
  ask: (index: number, request: WorkerRequest) => Promise<WorkerReply>
  stop: () => Promise<void>
}

export function startWorkers (count: number, heapMiB = 4096): WorkerPool {
  const children: ChildProcess[] = Array.from({ length: count }, () =>
    fork('bench/scale/reserve-worker.ts', [], {
      execArgv: ['--import', './relay/preload.mjs', `--max-old-space-size=${heapMiB}`],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    }))
  children.forEach(killOnExit)
  const pending = new Map<number, (reply: WorkerReply) => void>()
  let nextId = 0
  for (const child of children) {
    child.on('message', (message: { id: number, reply: WorkerReply }) => {
      pending.get(message.id)?.(message.reply)
      pending.delete(message.id)
    })
  }
  return {
    size: count,
    ask: async (index, request) => {
      const id = nextId++
      const reply = new Promise<WorkerReply>((resolve) => { pending.set(id, resolve) })
      children[index]!.send({ id, request })
      return reply
    },
    stop: async () => {
      await Promise.allSettled(children.map(async (child) => {
        if (child.exitCode != null) return
        const exited = once(child, 'exit')
        child.send({ id: nextId++, request: { type: 'stop' } satisfies WorkerRequest })
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
        await exited
        clearTimeout(timer)
      }))
    }
  }
}
