// The accounts API as an admin uses it: no hash ever leaves the server, clear 4xx with field errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserView } from '../../../shared/protocol';
import { api, login, startTestApp, tinyProvince, type TestApp } from '../../helpers/app';

let t: TestApp;
const { units, points } = tinyProvince(45, 1);

beforeAll(async () => {
  t = await startTestApp({ units, points });
});
afterAll(async () => t?.dispose());

const PW = 'mật-khẩu-đủ-dài';

describe('/api/users', () => {
  it('creates, reads, replaces and deletes a user; no response carries a hash', async () => {
    const created = await api(t, 'POST', '/api/users', {
      name: 'kt.d1',
      password: PW,
      role: 'technician',
      units: ['D1'],
      displayName: '  Trần Văn Kỹ  ',
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      name: 'kt.d1',
      displayName: 'Trần Văn Kỹ',
      role: 'technician',
      units: ['D1'],
      createdAt: expect.stringMatching(/\+07:00$/),
      updatedAt: expect.stringMatching(/\+07:00$/),
    });
    expect((await api(t, 'GET', '/api/users/kt.d1')).json).toEqual(created.json);
    const list = await api(t, 'GET', '/api/users');
    expect((list.json as UserView[]).map((u) => u.name)).toEqual(['admin', 'kt.d1']);
    const put = await api(t, 'PUT', '/api/users/kt.d1', { role: 'viewer' });
    expect(put.json).toMatchObject({ role: 'viewer', units: [], displayName: null });
    for (const r of [created, list, put]) expect(JSON.stringify(r.json)).not.toMatch(/argon2|password/i);
    // The new user can log in; after the delete, no longer.
    await login(t.url, 'kt.d1', PW);
    expect((await api(t, 'DELETE', '/api/users/kt.d1')).status).toBe(204);
    expect((await api(t, 'GET', '/api/users/kt.d1')).status).toBe(404);
    await expect(login(t.url, 'kt.d1', PW)).rejects.toThrow(/401/);
  });

  it('answers mistakes with 4xx and field errors, changing nothing', async () => {
    const bad = await api(t, 'POST', '/api/users', { name: 'Có Dấu', password: 'ngắn', role: 'chief' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.json.error.fields).sort()).toEqual(['name', 'password', 'role']);
    const scope = await api(t, 'POST', '/api/users', { name: 'xem', password: PW, role: 'viewer', units: ['NOPE'] });
    expect(scope.json.error.fields).toEqual({ units: expect.any(String), 'units[0]': 'không có đơn vị NOPE' });
    await api(t, 'POST', '/api/users', { name: 'hai', password: PW, role: 'viewer' });
    expect((await api(t, 'POST', '/api/users', { name: 'hai', password: PW, role: 'admin' })).status).toBe(409);
    expect((await api(t, 'PUT', '/api/users/khong-co', { role: 'viewer' })).status).toBe(404);
    expect((await api(t, 'PUT', '/api/users/hai', { role: 'viewer', name: 'ba' })).status).toBe(400);
    expect((await api(t, 'GET', '/api/users/KHÔNG HỢP LỆ')).json.error.fields).toHaveProperty('name');
    expect((await api(t, 'POST', '/api/users', 'not json')).status).toBe(400);
    const last = await api(t, 'DELETE', '/api/users/admin');
    expect(last).toMatchObject({ status: 409, json: { error: { code: 'conflict' } } });
    expect(last.json.error.message).toMatch(/quản trị viên \(admin\) cuối cùng/);
    expect((await api(t, 'PUT', '/api/users/admin', { role: 'viewer' })).status).toBe(409);
    expect((await api(t, 'GET', '/api/users')).json.map((u: UserView) => u.name)).toEqual(['admin', 'hai']);
  });
});
