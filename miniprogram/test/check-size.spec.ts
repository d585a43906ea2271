import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const SCRIPT = path.join(__dirname, '..', 'scripts', 'check-size.mjs')

/** A fake weapp output: `mainBytes` in the main package, `subBytes` in subpackage `packages/listener`. */
function fakeBuild(mainBytes: number, subBytes: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weapp-'))
  fs.writeFileSync(path.join(dir, 'app.json'), JSON.stringify({ pages: ['pages/index/index'], subPackages: [{ root: 'packages/listener', pages: ['profile/index'] }] }))
  const appJsonBytes = fs.statSync(path.join(dir, 'app.json')).size
  fs.writeFileSync(path.join(dir, 'vendors.js'), Buffer.alloc(mainBytes - appJsonBytes))
  fs.mkdirSync(path.join(dir, 'packages', 'listener', 'profile'), { recursive: true })
  fs.writeFileSync(path.join(dir, 'packages', 'listener', 'profile', 'index.js'), Buffer.alloc(subBytes))
  return dir
}

function check(dir: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [SCRIPT, dir], { env: { ...process.env, ...env }, encoding: 'utf8' })
}

describe('weapp package budget (scripts/check-size.mjs)', () => {
  it('passes at the limits and counts subpackage files apart from the main package', () => {
    const res = check(fakeBuild(1_572_864, 2_097_152))
    expect(res.status).toBe(0)
    expect(res.stdout).toMatch(/\(main\)\s+2\s+1572864/)
    expect(res.stdout).toMatch(/packages\/listener\s+1\s+2097152/)
  })

  it('fails when the main package is one byte over 1.5 MB', () => {
    const res = check(fakeBuild(1_572_865, 10))
    expect(res.status).toBe(1)
    expect(res.stderr).toContain('(main) is 1572865 bytes')
  })

  it('fails when a subpackage is over 2 MB', () => {
    const res = check(fakeBuild(1000, 2_097_153))
    expect(res.status).toBe(1)
    expect(res.stderr).toContain('packages/listener is 2097153 bytes')
  })

  it('honours budget overrides and refuses a malformed one', () => {
    expect(check(fakeBuild(5000, 10), { MP_MAIN_BUDGET_BYTES: '4000' }).status).toBe(1)
    expect(check(fakeBuild(5000, 10), { MP_MAIN_BUDGET_BYTES: 'lots' }).status).toBe(2)
  })

  it('says to build first when there is no build', () => {
    const res = check(path.join(os.tmpdir(), 'no-such-weapp-build'))
    expect(res.status).toBe(2)
    expect(res.stderr).toContain('run `taro build --type weapp` first')
  })
})
