// Words of the admin page "Báo cáo PDF" (who issues the report): Vietnamese first, English switchable.
import type { Lang } from './index';

const vi = {
  intro:
    'Thông tin in trên báo cáo PDF theo thể thức văn bản hành chính (Nghị định 30/2020/NĐ-CP). Lưu tại đây sẽ thay cho mục report: của tệp cấu hình.',
  organization: 'Tên cơ quan, tổ chức ban hành',
  superior: 'Cơ quan chủ quản cấp trên',
  numberPattern: 'Số, ký hiệu ({seq}: số văn bản, {year}: năm)',
  place: 'Địa danh',
  signers: 'Người ký (người cuối ký ở góc phải, cạnh “Nơi nhận”)',
  authority: 'Thẩm quyền (KT., TM., …)',
  title: 'Chức vụ',
  name: 'Họ và tên',
  addSigner: 'Thêm người ký',
  remove: 'Xóa',
  recipients: 'Nơi nhận (mỗi dòng một nơi)',
  save: 'Lưu',
  reset: 'Dùng lại tệp cấu hình',
  saved: 'Đã lưu.',
  loading: 'Đang tải…',
  sources: {
    saved: 'Đang dùng: thông tin đã lưu trên trang này',
    file: 'Đang dùng: mục report: của tệp cấu hình',
    default: 'Chưa khai báo: báo cáo để trống để ghi tay',
  },
};

export type ReportSettingsMessages = typeof vi;

const en: ReportSettingsMessages = {
  intro:
    'What the report PDF prints as an administrative document (Decree 30/2020/NĐ-CP). Saved here, it replaces the report: section of the config file.',
  organization: 'Issuing organisation',
  superior: 'Superior body',
  numberPattern: 'Number pattern ({seq}: the number, {year}: the year)',
  place: 'Place',
  signers: 'Signers (the last signs bottom right, beside “Nơi nhận”)',
  authority: 'On behalf of (KT., TM., …)',
  title: 'Position',
  name: 'Full name',
  addSigner: 'Add a signer',
  remove: 'Remove',
  recipients: 'Recipients (one per line)',
  save: 'Save',
  reset: 'Back to the config file',
  saved: 'Saved.',
  loading: 'Loading…',
  sources: {
    saved: 'In force: saved on this page',
    file: 'In force: the config file’s report: section',
    default: 'Not set: the report leaves blanks to write in by hand',
  },
};

export const REPORT_SETTINGS_MESSAGES: Record<Lang, ReportSettingsMessages> = { vi, en };
