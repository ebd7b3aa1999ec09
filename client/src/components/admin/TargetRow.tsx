// One target of a point in the editor: the kind picker decides which fields show (host and port;
// transport for SIP; URL and expected status for HTTP; user, password reference and TLS check for the
// codecs). A codec's password is never typed here: only where the server reads it.
import {
  TARGET_KINDS,
  defaultPort,
  type SipTransport,
  type TargetKind,
  type TargetRole,
} from '../../../../shared/targets';
import { useI18n } from '../../i18n/context';
import { PointsField } from './PointsField';
import { ROLES_OF, errorsAt, withKind, type FieldErrors, type TargetDraft } from './PointsDraft';

const TRANSPORTS: readonly SipTransport[] = ['udp', 'tcp', 'tls'];

export function TargetRow({
  index,
  target,
  errors,
  onChange,
  onRemove,
}: {
  index: number;
  target: TargetDraft;
  errors: FieldErrors;
  onChange: (t: TargetDraft) => void;
  /** Absent for the only row: a point has at least one target. */
  onRemove?: () => void;
}) {
  const { t } = useI18n();
  const tp = t.points;
  const path = `targets[${index}]`;
  const id = `target-${index}`;
  const err = (field: string): string | undefined => errorsAt(errors, `${path}.${field}`);
  const set = (patch: Partial<TargetDraft>): void => onChange({ ...target, ...patch });
  const k = target.kind;
  const hasHost = k !== 'http';
  const hasPort = k === 'tcp' || k === 'sip' || k === 'videoos' || k === 'roomos';
  const codec = k === 'videoos' || k === 'roomos';
  const portDefault = defaultPort(k, target.transport);
  const roles = ROLES_OF[k];
  const rowError = errors[path];

  return (
    <fieldset className="target-row" data-testid={id} data-kind={k}>
      <legend>{tp.target(index + 1)}</legend>
      {rowError && (
        <span className="field-error" role="alert" data-testid={`${id}-error`}>
          {rowError}
        </span>
      )}
      <div className="target-fields">
        <PointsField label={tp.kind} testId={`${id}-kind`} error={err('kind')}>
          <select value={k} onChange={(e) => onChange(withKind(target, e.target.value as TargetKind))}>
            {TARGET_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {tp.kinds[kind]}
              </option>
            ))}
          </select>
        </PointsField>
        <PointsField label={tp.role} testId={`${id}-role`} error={err('role')}>
          <select
            value={target.role}
            disabled={roles.length === 1}
            onChange={(e) => set({ role: e.target.value as TargetRole })}
          >
            {roles.map((r) => (
              <option key={r} value={r}>
                {tp.roles[r]}
              </option>
            ))}
          </select>
        </PointsField>
        {hasHost && (
          <PointsField label={tp.host} testId={`${id}-host`} error={err('host')}>
            <input value={target.host} spellCheck={false} onChange={(e) => set({ host: e.target.value })} />
          </PointsField>
        )}
        {hasPort && (
          <PointsField label={tp.port} testId={`${id}-port`} error={err('port')}>
            <input
              type="number"
              inputMode="numeric"
              value={target.port}
              placeholder={portDefault === undefined ? undefined : tp.portDefault(portDefault)}
              onChange={(e) => set({ port: e.target.value })}
            />
          </PointsField>
        )}
        {k === 'sip' && (
          <PointsField label={tp.transport} testId={`${id}-transport`} error={err('transport')}>
            <select value={target.transport} onChange={(e) => set({ transport: e.target.value as SipTransport })}>
              {TRANSPORTS.map((tr) => (
                <option key={tr} value={tr}>
                  {tr.toUpperCase()}
                </option>
              ))}
            </select>
          </PointsField>
        )}
        {k === 'http' && (
          <>
            <PointsField label={tp.url} testId={`${id}-url`} error={err('url')}>
              <input
                type="url"
                value={target.url}
                spellCheck={false}
                placeholder="https://"
                onChange={(e) => set({ url: e.target.value })}
              />
            </PointsField>
            <PointsField label={tp.expect} testId={`${id}-expect`} error={err('expect')} hint={tp.expectHint}>
              <input type="number" value={target.expect} onChange={(e) => set({ expect: e.target.value })} />
            </PointsField>
          </>
        )}
        {codec && (
          <>
            <PointsField label={tp.user} testId={`${id}-user`} error={err('user')}>
              <input value={target.user} autoComplete="off" onChange={(e) => set({ user: e.target.value })} />
            </PointsField>
            <PointsField label={tp.password} testId={`${id}-password-from`} hint={tp.passwordHint}>
              <select
                value={target.passwordFrom}
                onChange={(e) => set({ passwordFrom: e.target.value as TargetDraft['passwordFrom'] })}
              >
                <option value="env">{tp.passwordFrom.env}</option>
                <option value="file">{tp.passwordFrom.file}</option>
              </select>
            </PointsField>
            {target.passwordFrom === 'env' ? (
              <PointsField label={tp.envName} testId={`${id}-env`} error={err('password')}>
                <input
                  value={target.env}
                  spellCheck={false}
                  placeholder="CODEC_PASSWORD"
                  onChange={(e) => set({ env: e.target.value })}
                />
              </PointsField>
            ) : (
              <>
                <PointsField
                  label={tp.secretFile}
                  testId={`${id}-file`}
                  error={err('password.file') ?? errors[`${path}.password`]}
                >
                  <input value={target.file} spellCheck={false} onChange={(e) => set({ file: e.target.value })} />
                </PointsField>
                <PointsField label={tp.secretKey} testId={`${id}-key`} error={err('password.key')}>
                  <input value={target.key} spellCheck={false} onChange={(e) => set({ key: e.target.value })} />
                </PointsField>
              </>
            )}
            <label className="check" data-testid={`${id}-verify-tls`}>
              <input
                type="checkbox"
                checked={target.verifyTls}
                onChange={(e) => set({ verifyTls: e.target.checked })}
              />
              {tp.verifyTls}
            </label>
          </>
        )}
      </div>
      {onRemove && (
        <button type="button" className="toolbar-button" data-testid={`${id}-remove`} onClick={onRemove}>
          {tp.removeTarget}
        </button>
      )}
    </fieldset>
  );
}
