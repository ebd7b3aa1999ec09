import type { Point, PointStatus } from '../../../shared/schemas';
import { useI18n } from '../i18n/context';
import { StateIcon } from './StateIcon';

/** The point's lines: the primary's state is the point's, the backup's comes with the status. */
export function TargetList({ point, status }: { point: Point; status: PointStatus | undefined }) {
  const { t } = useI18n();
  return (
    <section className="detail-section">
      <h3>{t.detail.targets}</h3>
      <ul className="targets">
        {point.targets.map((tg) => {
          const state = (tg.role === 'primary' ? status?.state : status?.backup) ?? 'unknown';
          return (
            <li key={`${tg.role}:${tg.host}`} className={`target s-${state}`} data-role={tg.role} data-state={state}>
              <StateIcon state={state} />
              <span className="target-role">{t.detail.role[tg.role]}</span>
              <code>{tg.host}</code>
              <span className="target-state">{t.state[state]}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
