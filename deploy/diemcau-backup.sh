#!/bin/sh
# diemcau-backup.service's job: one `diemcau backup` into DIEMCAU_BACKUP_DIR, named by the time, then
# the backups older than DIEMCAU_BACKUP_KEEP_DAYS removed — only after a good one, so a run that
# fails never eats the old ones. Exit code: the backup's (0 done, 1 failed, 2 usage).
set -eu
db=${DIEMCAU_DB:-/var/lib/diemcau/diemcau.sqlite}
dir=${DIEMCAU_BACKUP_DIR:-/var/backups/diemcau}
keep=${DIEMCAU_BACKUP_KEEP_DAYS:-14}
bin=${DIEMCAU_BIN:-/opt/diemcau/bin/diemcau.mjs}

case $keep in '' | *[!0-9]*)
  echo "DIEMCAU_BACKUP_KEEP_DAYS phải là số ngày, không phải \"$keep\"" >&2
  exit 2
  ;;
esac
case $db in
  postgres://* | postgresql://*) ext=dump ;;
  *) ext=sqlite ;;
esac

node "$bin" backup --db "$db" --out "$dir/diemcau-$(date +%Y%m%d-%H%M%S).$ext"
# -mtime +N: modified more than N whole days ago.
find "$dir" -maxdepth 1 -type f -name "diemcau-*.$ext" -mtime "+$keep" -print -delete |
  sed 's/^/đã xóa bản sao lưu cũ: /'
