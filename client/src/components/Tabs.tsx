// One tab bar for the admin, checklist and report views: same roles, same keyboard semantics.
import type { ReactNode } from 'react';

interface TabsProps<K extends string> {
  keys: readonly K[];
  active: K;
  label: string;
  /** `data-testid` of each tab: `${testIdPrefix}-${key}`. */
  testIdPrefix: string;
  render: (key: K) => ReactNode;
  onSelect: (key: K) => void;
}

export function Tabs<K extends string>({ keys, active, label, testIdPrefix, render, onSelect }: TabsProps<K>) {
  return (
    <nav className="admin-tabs" role="tablist" aria-label={label}>
      {keys.map((k) => (
        <button
          key={k}
          type="button"
          role="tab"
          aria-selected={active === k}
          className={active === k ? 'active' : undefined}
          data-testid={`${testIdPrefix}-${k}`}
          onClick={() => onSelect(k)}
        >
          {render(k)}
        </button>
      ))}
    </nav>
  );
}
