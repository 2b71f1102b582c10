// Every benchmark suite docs/BENCHMARKS.md reports on, in the order the page shows them.
import type { SuiteSpec } from './report-figures.ts'
import { CRYPTO, GROUPS, MAILBOX, PWA_COLD_START, PWA_PUSH_DRAIN, WALKING_SKELETON } from './report-suites-app.ts'
import { CHURN, DHT, RELAY_LOAD } from './report-suites-scale.ts'

export const SUITES: readonly SuiteSpec[] = [
  WALKING_SKELETON, CRYPTO, MAILBOX, GROUPS, PWA_PUSH_DRAIN, PWA_COLD_START, RELAY_LOAD, CHURN, DHT
]
