/**
 * A password for the admin CLI, never from argv: typed at a prompt that does not echo when stdin is a
 * terminal, otherwise the first line of stdin (scripts: `printf '%s\n' "$PASSWORD" | … create-admin …`).
 */
export async function readPassword(prompt = 'Password: '): Promise<string> {
  const password = process.stdin.isTTY ? await promptHidden(prompt) : await firstLineOfStdin();
  if (!password) throw new Error('no password given (type it at the prompt or pipe it on stdin)');
  return password;
}

async function firstLineOfStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += (chunk as Buffer).toString('utf8');
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    let typed = '';
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (keys: string) => {
      for (const key of keys) {
        if (key === '\r' || key === '\n') return done();
        if (key === '\u0003') return done(new Error('cancelled'));
        if (key === '\u007f' || key === '\b') typed = typed.slice(0, -1);
        else typed += key;
      }
    };
    stdin.on('data', onData);
  });
}
