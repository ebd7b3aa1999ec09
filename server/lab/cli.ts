// `diemcau lab up|down|status|verify`. Exit codes: 0 done, 1 failed (not root, lab already up or
// owned by another running process, a command failed, verify fell short), 2 bad arguments or an
// invalid scenario.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatStatus, labDown, labStatus } from './cleanup';
import { labMeetingId, inventoryYaml } from './inventory';
import { Lab } from './lab';
import { ScenarioError, expandTimeline, parseScenarioText } from './scenario';
import { LabError, sleep } from './sys';
import type { TruthAction } from './truth';
import { VERIFY_USAGE, runVerifyCli, type CliIo } from './verify-cli';

export type { CliIo } from './verify-cli';

export const LAB_USAGE = `Cách dùng: diemcau lab <lệnh>
  up --scenario FILE [--truth FILE] [--inventory-out FILE]
     [--name lab] [--base 0] [--seed 1] [--start-in GIÂY] [--down-after] [--endpoints auto|on|off]
        dựng lab, ghi danh mục điểm cầu, chạy kịch bản và ghi sự thật (ground truth)
  down [--name NAME] [--force]
        gỡ mọi thứ lab đã tạo (mọi lab nếu không có --name); lab mà tiến trình chủ còn chạy
        được giữ lại, trừ khi có --force
  status [--name NAME] [--json]
  verify ...              so sánh sự cố của monitor với sự thật
${VERIFY_USAGE}`;

const UP_OPTIONS = {
  scenario: { type: 'string' },
  truth: { type: 'string' },
  'inventory-out': { type: 'string' },
  name: { type: 'string', default: 'lab' },
  base: { type: 'string', default: '0' },
  seed: { type: 'string', default: '1' },
  'start-in': { type: 'string', default: '0' },
  'down-after': { type: 'boolean', default: false },
  endpoints: { type: 'string', default: 'auto' },
} as const;

export async function runLabCli(argv: string[], io: CliIo & { signal?: AbortSignal }): Promise<number> {
  const args = argv[0] === 'lab' ? argv.slice(1) : argv;
  const [command, ...rest] = args;
  try {
    switch (command) {
      case 'up':
        return await up(rest, io);
      case 'down':
        return await down(rest, io);
      case 'status': {
        const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, json: { type: 'boolean' } } });
        const s = await labStatus(values.name);
        io.stdout.write(values.json ? JSON.stringify(s, null, 2) + '\n' : formatStatus(s));
        return 0;
      }
      case 'verify':
        return await runVerifyCli(rest, io);
      case undefined:
      case 'help':
      case '--help':
        io.stdout.write(LAB_USAGE);
        return command === undefined ? 2 : 0;
      default:
        io.stderr.write(`Lệnh không rõ: ${command}\n${LAB_USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof ScenarioError) {
      io.stderr.write(`${err.message}\n`);
      return 2;
    }
    if (err instanceof TypeError && (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`${err.message}\n${LAB_USAGE}`);
      return 2;
    }
    // Expected failures (ours, or the system's such as ENOENT) read as a message; bugs keep their stack.
    const known = err instanceof LabError || (err as NodeJS.ErrnoException).code !== undefined;
    io.stderr.write(`Lỗi: ${known ? (err as Error).message : String((err as Error).stack ?? err)}\n`);
    return 1;
  }
}

async function down(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { name: { type: 'string' }, force: { type: 'boolean' } } });
  const r = await labDown(values.name, { force: values.force });
  const route = {
    removed: ', route blackhole',
    kept: ` (route blackhole giữ lại cho lab khác: ${r.labsLeft.join(', ')})`,
    absent: '',
  };
  io.stdout.write(
    `Đã gỡ: ${r.namespaces.length} namespace, ${r.links.length} liên kết sót, ${r.processes.length} tiến trình` +
      `${route[r.blackhole]}.\n`,
  );
  // Another process's lab while it runs: refused, so a script does not take "down" for "gone".
  for (const k of r.kept) {
    io.stderr.write(
      `Không gỡ lab "${k.name}": lab thuộc ${k.owner}, tiến trình này vẫn chạy. Dừng tiến trình đó trước, ` +
        `hoặc thêm --force để gỡ. (Lab "${k.name}" is owned by running process ${k.pid}; --force takes it down.)\n`,
    );
  }
  return r.kept.length > 0 ? 1 : 0;
}

async function up(argv: string[], io: CliIo & { signal?: AbortSignal }): Promise<number> {
  const { values } = parseArgs({ args: argv, options: UP_OPTIONS });
  const [base, seed, startIn] = [Number(values.base), Number(values.seed), Number(values['start-in'])];
  const endpoints = values.endpoints;
  const choice = endpoints === 'auto' || endpoints === 'on' || endpoints === 'off' ? endpoints : null;
  if (!values.scenario || !Number.isInteger(base) || !Number.isInteger(seed) || !(startIn >= 0) || !choice) {
    io.stderr.write(LAB_USAGE);
    return 2;
  }
  const scenario = parseScenarioText(readFileSync(values.scenario, 'utf8'), values.scenario);
  const say = (s: string): unknown => io.stdout.write(`${s}\n`);
  const onAction = (a: TruthAction): unknown =>
    say(
      `[+${((a.atMs ?? 0) / 1000).toFixed(1)} s] ${a.action} ${a.hub ?? a.host}${a.percent !== undefined ? ` ${a.percent}%` : ''}` +
        `${a.delayMs !== undefined ? ` ${a.delayMs} ms` : ''} (trễ ${a.lagMs ?? 0} ms)`,
    );
  const lab = await Lab.up(scenario, {
    name: values.name,
    base,
    seed,
    truthFile: values.truth,
    onAction,
    endpoints: choice,
  });
  if (lab.endpointsOff) say(`Không có thiết bị đầu cuối SIP: ${lab.endpointsOff}.`);
  if (lab.registrarsOff) say(`Không có tổng đài SIP (registrar): ${lab.registrarsOff}.`);
  if (lab.staleCleaned) {
    const old = lab.staleCleaned;
    say(
      `Đã dọn lab "${lab.name}" cũ (tiến trình chủ ${old.pid ?? '?'} đã dừng): ${old.namespaces.length} namespace, ` +
        `${old.processes.length} tiến trình.`,
    );
  }

  // Ctrl-C stops the timeline (the summary says so); the lab stays up unless --down-after.
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  io.signal?.addEventListener('abort', stop, { once: true });
  process.once('SIGINT', stop).once('SIGTERM', stop);
  let left = true;
  try {
    const hubs = lab.plan.hubs;
    say(
      `Lab "${lab.name}" đã sẵn sàng: ${hubs.length} huyện (hub), ${lab.plan.hosts.length} điểm cầu, ` +
        `${hubs[0]!.prefix}${hubs.length > 1 ? ` … ${hubs[hubs.length - 1]!.prefix}` : ''}.`,
    );
    if (values['inventory-out']) {
      writeFileSync(values['inventory-out'], inventoryYaml(lab.inventory()));
      say(`Danh mục điểm cầu: ${values['inventory-out']} (cuộc họp ${labMeetingId(lab.name)}).`);
    }
    if (startIn > 0) {
      say(`Kịch bản bắt đầu sau ${startIn} s…`);
      await sleep(startIn * 1000, abort.signal);
    }
    say(`Chạy kịch bản "${scenario.name}": ${expandTimeline(scenario).length} thao tác trong ${scenario.durationS} s.`);
    const summary = await lab.play(abort.signal);
    say(
      `${summary.aborted ? 'Đã dừng giữa chừng' : 'Xong'}: ${summary.actions} thao tác, trễ lớn nhất ${summary.maxLagMs} ms.` +
        (values.truth ? ` Sự thật: ${values.truth}.` : ''),
    );
    if (values['down-after']) {
      await lab.down();
      left = false;
      say('Đã gỡ lab.');
    } else say(`Lab vẫn chạy; gỡ bằng: diemcau lab down --name ${lab.name}`);
    return summary.aborted ? 130 : 0;
  } finally {
    // Left up on purpose (or after an error): not stale for the next start, anyone may take it down.
    if (left) lab.release();
    process.off('SIGINT', stop).off('SIGTERM', stop);
    io.signal?.removeEventListener('abort', stop);
  }
}
