#!/usr/bin/env node
/**
 * `sshid <command>`. `authorized-keys` runs on every SSH login (sshd's AuthorizedKeysCommand), so it starts without
 * loading any of the server; every other command opens the application.
 */
if (process.argv[2] === 'authorized-keys') {
  void import('./authorized-keys-command').then((command) => command.run(process.argv.slice(3)));
} else {
  void import('./admin-main');
}
