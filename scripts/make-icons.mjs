#!/usr/bin/env node
// Draws Murmur's app icons (the wave of public/icon.svg) as PNGs for the web app manifest:
// `node scripts/make-icons.mjs` writes public/icons/*.png. The output is committed; run
// this again only when the design changes. No image library: a few lines of geometry,
// 4x4 supersampling for smooth edges, and a PNG encoder on node:zlib.
import { writeFileSync, mkdirSync } from 'node:fs'
import { deflateSync, crc32 } from 'node:zlib'

const BACKGROUND = [0x3b, 0x4c, 0xca]
const INK = [0xff, 0xff, 0xff]
/** The design, in the 64-unit square of icon.svg. */
const CORNER_RADIUS = 14
const STROKE_HALF_WIDTH = 2.5
/** icon.svg's path "M14 40c6-10 10-10 14 0s8 10 14 0 8-10 8-10" as three cubic segments. */
const WAVE = [
  [[14, 40], [20, 30], [24, 30], [28, 40]],
  [[28, 40], [32, 50], [36, 50], [42, 40]],
  [[42, 40], [48, 30], [50, 30], [50, 30]]
]

function cubicPoints ([p0, p1, p2, p3], steps = 48) {
  const points = []
  for (let i = 0; i <= steps; i++) {
    const t = i / steps, u = 1 - t
    const a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, d = t * t * t
    points.push([a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]])
  }
  return points
}

function distanceToSegment ([px, py], [ax, ay], [bx, by]) {
  const dx = bx - ax, dy = by - ay
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy || 1)))
  return Math.hypot(px - ax - t * dx, py - ay - t * dy)
}

function insideRoundedSquare (x, y, radius) {
  const cx = Math.min(Math.max(x, radius), 64 - radius)
  const cy = Math.min(Math.max(y, radius), 64 - radius)
  return x >= 0 && x <= 64 && y >= 0 && y <= 64 && Math.hypot(x - cx, y - cy) <= radius
}

/**
 * One icon as RGBA. `maskable`: the background fills the square (the platform cuts its own
 * shape) and the wave shrinks into the central safe circle (radius 40% of the size).
 */
function draw (size, maskable) {
  // Maskable: wave centred on the square and scaled to 80%, well inside the safe zone.
  const glyph = maskable
    ? WAVE.map((seg) => seg.map(([x, y]) => [32 + (x - 32) * 0.8, 32 + (y - 40) * 0.8]))
    : WAVE
  const halfWidth = maskable ? STROKE_HALF_WIDTH * 0.8 : STROKE_HALF_WIDTH
  const polyline = glyph.flatMap((seg) => cubicPoints(seg))
  const samples = 4
  const pixels = Buffer.alloc(size * size * 4)
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let background = 0, ink = 0
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) * 64 / size
          const y = (py + (sy + 0.5) / samples) * 64 / size
          if (!maskable && !insideRoundedSquare(x, y, CORNER_RADIUS)) continue
          background++
          let near = false
          for (let i = 1; i < polyline.length && !near; i++) near = distanceToSegment([x, y], polyline[i - 1], polyline[i]) <= halfWidth
          if (near) ink++
        }
      }
      const total = samples * samples
      const o = (py * size + px) * 4
      for (let c = 0; c < 3; c++) {
        pixels[o + c] = background === 0 ? 0 : Math.round((BACKGROUND[c] * (background - ink) + INK[c] * ink) / background)
      }
      pixels[o + 3] = Math.round(255 * background / total)
    }
  }
  return pixels
}

function chunk (type, data) {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

/** PNG (ISO/IEC 15948): 8-bit RGBA, each scanline with filter type 0. */
function encodePng (size, rgba) {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([8, 6, 0, 0, 0], 8)
  const raw = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0))
  ])
}

const out = new URL('../public/icons/', import.meta.url)
mkdirSync(out, { recursive: true })
for (const size of [192, 512]) {
  for (const maskable of [false, true]) {
    const name = `icon-${maskable ? 'maskable-' : ''}${size}.png`
    writeFileSync(new URL(name, out), encodePng(size, draw(size, maskable)))
    console.log(`wrote public/icons/${name}`)
  }
}
