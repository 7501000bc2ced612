/**
 * What the connection stores need from the token cipher (crypto/tokenCipher.ts). Every sealed
 * value is bound to its row and column through `context` (AES-GCM additional data), so a
 * ciphertext copied into another tenant's row does not open.
 */
export interface Sealer {
  encrypt(plaintext: string, context: string): { keyId: string; ciphertext: Buffer };
  decrypt(keyId: string, ciphertext: Buffer, context: string): string;
}

export const sealContext = (accountId: string, provider: 'hubspot' | 'fathom', column: string) =>
  `${accountId}:${provider}:${column}`;
