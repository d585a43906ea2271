import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loginAs } from '../../test/auth';
import { startTestApp, TestApp } from '../../test/test-app';
import { fileBytes, upload } from '../../test/vetting';
import { sniffMimeType } from './file-types';

describe('uploads (e2e)', () => {
  let t: TestApp;
  let dir: string;
  const MB = 1024 * 1024;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qingting-uploads-'));
    t = await startTestApp({ UPLOAD_DIR: dir });
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const count = (ownerId: string) => t.prisma.storedFile.count({ where: { ownerId } });

  it('stores an image checked by magic bytes with its sha256; the owner reads it back', async () => {
    const me = await loginAs(t);
    const bytes = fileBytes('png', 1000);
    const res = await upload(t, me.headers, 'IMAGE', bytes);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), purpose: 'IMAGE', mimeType: 'image/png', sizeBytes: 1000 });
    const row = await t.prisma.storedFile.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(row).toMatchObject({ ownerId: me.user.id, encrypted: false, sha256: require('node:crypto').createHash('sha256').update(bytes).digest('hex') });
    const back = await fetch(`${t.url}/api/uploads/${res.body.id}`, { headers: me.headers });
    expect(back.status).toBe(200);
    expect(back.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await back.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('encrypts certificates at rest; a reviewer may read one (audit-logged), another user may not', async () => {
    const owner = await loginAs(t);
    const bytes = fileBytes('jpeg', 4096);
    const res = await upload(t, owner.headers, 'CERTIFICATE', bytes);
    expect(res.status).toBe(201);
    const row = await t.prisma.storedFile.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(row.encrypted).toBe(true);
    const onDisk = fs.readFileSync(path.join(dir, row.storageKey));
    expect(onDisk.includes(bytes.subarray(0, 64))).toBe(false);
    expect(onDisk.toString('utf8')).toMatch(/^v1\./);

    const stranger = await loginAs(t);
    const denied = await t.request(`/api/uploads/${res.body.id}`, { headers: stranger.headers });
    expect(denied.status).toBe(404);
    expect(denied.body.code).toBe('upload/not_found');

    const reviewer = await loginAs(t, ['REVIEWER']);
    const read = await fetch(`${t.url}/api/uploads/${res.body.id}`, { headers: reviewer.headers });
    expect(read.status).toBe(200);
    expect(Buffer.from(await read.arrayBuffer()).equals(bytes)).toBe(true);
    const audit = await t.prisma.auditLog.findMany({ where: { subjectType: 'stored_file', subjectId: res.body.id } });
    expect(audit).toEqual([expect.objectContaining({ actorId: reviewer.user.id, action: 'sensitive.read' })]);
  });

  it('accepts voice up to 10 MB (above the default 1 MB body limit)', async () => {
    const me = await loginAs(t);
    const res = await upload(t, me.headers, 'VOICE_INTRO', fileBytes('mp3', 6 * MB));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ mimeType: 'audio/mpeg', sizeBytes: 6 * MB });
  });

  it('refuses oversize files, per purpose, storing nothing', async () => {
    const me = await loginAs(t);
    const image = await upload(t, me.headers, 'IMAGE', fileBytes('png', 5 * MB + 1));
    expect(image.status).toBe(413);
    expect(image.body.code).toBe('upload/too_large');
    const voice = await upload(t, me.headers, 'VOICE_INTRO', fileBytes('wav', 10 * MB + 1));
    expect(voice.status).toBe(413);
    expect(['upload/too_large', 'request/too_large']).toContain(voice.body.code);
    expect(await count(me.user.id)).toBe(0);
  });

  it('refuses content whose magic bytes do not match the purpose, whatever it claims', async () => {
    const me = await loginAs(t);
    for (const [purpose, kind] of [['IMAGE', 'text'], ['CERTIFICATE', 'mp3'], ['VOICE_INTRO', 'png']] as const) {
      const res = await upload(t, me.headers, purpose, fileBytes(kind));
      expect(res.status).toBe(415);
      expect(res.body.code).toBe('upload/unsupported_type');
    }
    const bad = await t.request('/api/uploads', { method: 'POST', headers: me.headers, body: JSON.stringify({ purpose: 'IMAGE', contentBase64: '!!!not base64!!!' }) });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('upload/invalid_content');
    const wrongPurpose = await upload(t, me.headers, 'AVATAR', fileBytes('png'));
    expect(wrongPurpose.status).toBe(400);
    expect(wrongPurpose.body.code).toBe('request/invalid');
    expect(await count(me.user.id)).toBe(0);
  });

  it('needs a login', async () => {
    const res = await t.request('/api/uploads', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ purpose: 'IMAGE', contentBase64: fileBytes('png').toString('base64') }) });
    expect(res.status).toBe(401);
  });

  it('keeps the 1 MB body limit on other routes', async () => {
    const me = await loginAs(t);
    const res = await t.request('/api/me', { method: 'PATCH', headers: me.headers, body: JSON.stringify({ alias: 'x'.repeat(2 * MB) }) });
    expect(res.status).toBe(413);
  });
});

describe('sniffMimeType', () => {
  it('knows JPEG, PNG, WebP, MP3 (ID3 and frame sync), AAC (ADTS), M4A and WAV', () => {
    expect(sniffMimeType(fileBytes('jpeg'))?.mime).toBe('image/jpeg');
    expect(sniffMimeType(fileBytes('png'))?.mime).toBe('image/png');
    expect(sniffMimeType(fileBytes('webp'))?.mime).toBe('image/webp');
    expect(sniffMimeType(fileBytes('mp3'))?.mime).toBe('audio/mpeg');
    expect(sniffMimeType(Buffer.from([0xff, 0xfb, 0x90, 0x00]))?.mime).toBe('audio/mpeg');
    expect(sniffMimeType(Buffer.from([0xff, 0xf1, 0x50, 0x80]))?.mime).toBe('audio/aac');
    expect(sniffMimeType(fileBytes('m4a'))?.mime).toBe('audio/mp4');
    expect(sniffMimeType(fileBytes('wav'))?.mime).toBe('audio/wav');
    expect(sniffMimeType(fileBytes('text'))).toBeNull();
    expect(sniffMimeType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
  });
});
