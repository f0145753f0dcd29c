import { homedir } from 'node:os';
import { join } from 'node:path';

/** The user data directory (the same one the desktop app uses): certificates, logs, labels. */
export function defaultDataDir(): string {
  if (process.env.HELLOSCOPE_DATA_DIR) return process.env.HELLOSCOPE_DATA_DIR;
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'helloscope');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'helloscope');
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'helloscope');
}
