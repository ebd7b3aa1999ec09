// Reading a password on the command line: from standard input (`--password-stdin`, for scripts) or
// typed on a terminal with nothing echoed.

/** All of standard input, without one trailing newline (what `echo pw |` and here-strings add). */
export async function readAllStdin(input: NodeJS.ReadableStream, maxBytes = 4096): Promise<string> {
  let text = '';
  for await (const chunk of input) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    if (text.length > maxBytes) throw new Error('password on standard input is too long');
  }
  return text.replace(/\r?\n$/, '');
}

/** Prompts on a TTY and reads one line with echo off; rejects on Ctrl-C or Ctrl-D. */
export function promptSecret(prompt: string, input: NodeJS.ReadStream, output: NodeJS.WritableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    output.write(prompt);
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    let value = '';
    const done = (err: Error | null): void => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      output.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(null);
        if (ch === '\u0003' || ch === '\u0004') return done(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    input.on('data', onData);
  });
}
