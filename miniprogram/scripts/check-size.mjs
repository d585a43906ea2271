#!/usr/bin/env node
// Package-size budget for the weapp build (WeChat limits: main package 2 MB, each subpackage 2 MB).
// Main = every file in dist/weapp not under a subpackage root declared in dist/weapp/app.json.
// Usage: node scripts/check-size.mjs [distDir]   (default: dist/weapp next to this package)
// Budgets (bytes) can be overridden: MP_MAIN_BUDGET_BYTES, MP_SUB_BUDGET_BYTES.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs'
import { join, relative, resolve, sep, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const distDir = resolve(process.argv[2] ?? join(here, '..', 'dist', 'weapp'))

function budget(name, fallback) {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n < 0) {
    console.error(`check-size: ${name} must be a non-negative number of bytes, got "${raw}"`)
    process.exit(2)
  }
  return n
}
const MAIN_BUDGET = budget('MP_MAIN_BUDGET_BYTES', 1_572_864) // 1.5 MiB: headroom under WeChat's 2 MB
const SUB_BUDGET = budget('MP_SUB_BUDGET_BYTES', 2_097_152) // 2 MiB

const appJsonPath = join(distDir, 'app.json')
if (!existsSync(appJsonPath)) {
  console.error(`check-size: ${appJsonPath} not found; run \`taro build --type weapp\` first`)
  process.exit(2)
}
const appJson = JSON.parse(readFileSync(appJsonPath, 'utf8'))
const subRoots = [...(appJson.subPackages ?? []), ...(appJson.subpackages ?? [])]
  .map((p) => String(p.root).replace(/^\/+|\/+$/g, ''))
  .filter(Boolean)

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name)
    if (entry.isDirectory()) yield* walk(full)
    else if (entry.isFile()) yield full
  }
}

const totals = new Map([['(main)', { bytes: 0, files: 0 }], ...subRoots.map((r) => [r, { bytes: 0, files: 0 }])])
for (const file of walk(distDir)) {
  const rel = relative(distDir, file).split(sep).join('/')
  const root = subRoots.find((r) => rel === r || rel.startsWith(`${r}/`)) ?? '(main)'
  const t = totals.get(root)
  t.bytes += statSync(file).size
  t.files += 1
}

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`
const rows = [...totals].map(([name, t]) => {
  const limit = name === '(main)' ? MAIN_BUDGET : SUB_BUDGET
  return { package: name, files: t.files, bytes: t.bytes, size: kb(t.bytes), budget: kb(limit), ok: t.bytes <= limit }
})
const total = rows.reduce((s, r) => s + r.bytes, 0)

console.log(`weapp package sizes (${relative(process.cwd(), distDir) || '.'})`)
const header = ['package', 'files', 'bytes', 'size', 'budget', 'status']
const table = rows.map((r) => [r.package, String(r.files), String(r.bytes), r.size, r.budget, r.ok ? 'ok' : 'OVER'])
table.push(['(total)', String(rows.reduce((s, r) => s + r.files, 0)), String(total), kb(total), '', ''])
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)))
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
console.log(line(header))
console.log(widths.map((w) => '-'.repeat(w)).join('  '))
for (const row of table) console.log(line(row))

const over = rows.filter((r) => !r.ok)
if (over.length > 0) {
  for (const r of over) console.error(`check-size: ${r.package} is ${r.bytes} bytes, over its budget of ${r.package === '(main)' ? MAIN_BUDGET : SUB_BUDGET} bytes`)
  process.exit(1)
}
