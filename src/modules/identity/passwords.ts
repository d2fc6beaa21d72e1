import { hash, verify } from '@node-rs/argon2';

// argon2id with the library's defaults (19 MiB, t=2): 12–30 ms on this machine.

let dummyHash: Promise<string> | null = null;

export function hashPassword(plain: string): Promise<string> {
  return hash(plain);
}

export async function verifyPassword(hashed: string | null, plain: string): Promise<boolean> {
  if (!hashed) {
    // Spend the same time as a real check so timing does not reveal whether the account exists.
    dummyHash ??= hash('casebook-timing-equaliser');
    await verify(await dummyHash, plain).catch(() => false);
    return false;
  }
  return verify(hashed, plain).catch(() => false);
}
