// Reads a secret from the environment, or from the terminal without echoing it. Never from argv
// (other users can read a process's arguments).
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { UserFacingError } from '../app/user-facing-error.js';
import { EXIT } from '../app/exit-codes.js';

export async function readSecret(envName: string, prompt: string): Promise<string> {
  const fromEnv = process.env[envName];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) {
    throw new UserFacingError(`${prompt.replace(/:\s*$/, '')} needed: set $${envName}, or run this in a terminal to be asked`, EXIT.usage);
  }
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    return await new Promise<string>((resolve) => {
      rl.question(prompt, (answer) => resolve(answer));
      muted = true;
    });
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}
