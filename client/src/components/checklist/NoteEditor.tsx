// The note of the item under the cursor: Enter saves, Escape gives up; the board gets the focus back.
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../i18n/context';

export function NoteEditor({
  initial,
  onSave,
  onCancel,
}: {
  initial: string;
  onSave: (note: string) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [value, setValue] = useState(initial);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  return (
    <form
      className="cl-note-editor"
      data-testid="note-editor"
      onSubmit={(e) => {
        e.preventDefault();
        onSave(value);
      }}
    >
      <label>
        <span>{t.checklist.note.label}</span>
        <input
          ref={input}
          data-testid="note-input"
          value={value}
          maxLength={500}
          placeholder={t.checklist.note.placeholder}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              onCancel();
            }
          }}
        />
      </label>
      <button type="submit" className="primary-button" data-testid="note-save">
        {t.checklist.note.save}
      </button>
      <button type="button" className="toolbar-button" onClick={onCancel}>
        {t.checklist.note.cancel}
      </button>
    </form>
  );
}
