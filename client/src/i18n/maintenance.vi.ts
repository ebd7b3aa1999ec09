// The admin screen's planned-work section (docs/ALERTS.md "When alerts are sent").
export const maintenanceVi = {
  tab: 'Lịch bảo trì',
  intro:
    'Trong thời gian bảo trì theo kế hoạch, điểm cầu (hoặc mọi điểm cầu của đơn vị) không gửi cảnh báo; màn hình giám sát và báo cáo ghi “bảo trì theo kế hoạch”.',
  kind: { point: 'Điểm cầu', unit: 'Đơn vị' } as Record<string, string>,
  target: 'Mã điểm cầu hoặc đơn vị',
  start: 'Bắt đầu',
  end: 'Kết thúc',
  reason: 'Lý do',
  add: 'Thêm lịch bảo trì',
  remove: 'Xóa',
  empty: 'Chưa có lịch bảo trì nào.',
  loadError: 'Không tải được lịch bảo trì',
  saveError: 'Không lưu được lịch bảo trì',
  col: { target: 'Điểm cầu / đơn vị', span: 'Thời gian', reason: 'Lý do', by: 'Người tạo', action: 'Thao tác' },
};

export type MaintenanceMessages = typeof maintenanceVi;
