/**
 * Passwords of remembered connections, encrypted with Electron's safeStorage
 * (the OS keychain: DPAPI, Keychain, libsecret/kwallet). Where it cannot
 * encrypt, or on Linux falls back to its hard-coded key ("basic_text", which
 * is not protection), the box says so and the password is not stored.
 */
import { safeStorage } from 'electron';
import type { SecretBox } from '../core/service/types.ts';

export const safeStorageBox: SecretBox = {
  unavailable() {
    if (!safeStorage.isEncryptionAvailable()) {
      return 'This computer offers no encryption for stored passwords (no keychain), so Catena does not store them: enter the password each time you connect.';
    }
    if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
      return 'No keychain (GNOME Keyring or KWallet) is running, so Catena does not store passwords: enter the password each time you connect, or start a keychain.';
    }
    return null;
  },
  encrypt(plain) {
    return safeStorage.encryptString(plain).toString('base64');
  },
  decrypt(sealed) {
    return safeStorage.decryptString(Buffer.from(sealed, 'base64'));
  },
};
