import { SMTPServer } from 'smtp-server';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { AppError } from '../../platform/errors.js';
import { MAX_INBOUND_BYTES, receiveEmail } from './inbound.service.js';

// The inbound SMTP listener (INBOUND_SMTP_PORT): every message goes through the same pipeline
// as POST /api/v1/inbound/email. Put it behind your MX or a relay; it accepts no AUTH and no TLS
// itself (terminate TLS in front of it).

export interface SmtpLog {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
}

export function createInboundSmtp(db: Kysely<DB>, dataDir: string, log: SmtpLog): SMTPServer {
  return new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_INBOUND_BYTES,
    banner: 'Casebook inbound mail',
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          return callback(Object.assign(new Error('Message too large'), { responseCode: 552 }));
        }
        receiveEmail(db, dataDir, Buffer.concat(chunks))
          .then((result) => {
            log.info({ inbound: result }, 'inbound mail');
            callback();
          })
          .catch((err: unknown) => {
            const permanent = err instanceof AppError && err.status < 500;
            log.warn({ err }, 'inbound mail refused');
            callback(Object.assign(new Error(permanent ? (err as Error).message : 'Temporary failure, try again later'), { responseCode: permanent ? 550 : 451 }));
          });
      });
    },
  });
}
