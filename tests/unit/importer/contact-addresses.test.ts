// A point list carries technicians' names and phones only: importing one keeps each technician's alert
// addresses (docs/ALERTS.md AL20: e-mail, Telegram, Zalo) recorded for the same name, as it keeps the
// organization, so a re-import does not silently stop the alerts to people.
import { describe, expect, it } from 'vitest';
import { mergeContacts } from '../../../server/importer/contacts';

describe('importing technicians', () => {
  it('[AL20] keeps the e-mail, Telegram and Zalo of a technician of the same name; a new name has none', () => {
    const out = mergeContacts(
      [
        {
          name: 'Nguyễn Văn An',
          role: 'technician',
          phone: '0913 294 787',
          organization: 'VNPT',
          email: 'an@xa.test',
          telegram: '1002',
          zalo: '9001',
        },
        { name: 'Trần Thị Bình', role: 'leader', email: 'binh@xa.test' },
        { name: 'Lê Văn Cường', role: 'technician', email: 'cuong@xa.test' },
      ],
      [
        { name: 'NGUYỄN VĂN AN', phone: '0913 000 000' },
        { name: 'Phạm Thị Dung', phone: undefined },
      ],
    );
    expect(out).toEqual([
      {
        name: 'NGUYỄN VĂN AN',
        role: 'technician',
        phone: '0913 000 000',
        organization: 'VNPT',
        email: 'an@xa.test',
        telegram: '1002',
        zalo: '9001',
      },
      { name: 'Trần Thị Bình', role: 'leader', email: 'binh@xa.test' },
      { name: 'Phạm Thị Dung', role: 'technician' },
    ]);
  });
});
