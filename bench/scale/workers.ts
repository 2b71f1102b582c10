import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import type { WorkerReply, WorkerRequest } from './reserve-worker.ts'
import { killOnExit } from './support.ts'

/** A handful of reserve-worker processes and a request/reply call to each. */
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
  return {
    size: count,
    ask: async (index, request) => {
      const child = children[index]!
      const reply = once(child, 'message') as Promise<[WorkerReply]>
      child.send(request)
      return (await reply)[0]
    },
    stop: async () => {
      await Promise.allSettled(children.map(async (child) => {
        if (child.exitCode != null) return
        const exited = once(child, 'exit')
        child.send({ type: 'stop' } satisfies WorkerRequest)
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
        await exited
        clearTimeout(timer)
      }))
    }
  }
}
