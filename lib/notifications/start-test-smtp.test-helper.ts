// A local SMTP server that keeps what it receives, for tests of email delivery.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export type TTestMail = {
  from: string;
  to: string[];
  /** The message as received, with quoted-printable soft line breaks joined so long lines can be matched whole. */
  raw: string;
};

export type TTestSmtp = {
  /** smtp://127.0.0.1:<port>, for TNotificationChannels.smtpUrl. */
  url: string;
  /** Every message received, in order; tests empty it between cases (`mails.length = 0`). */
  mails: TTestMail[];
  close: () => Promise<void>;
};

/** Starts an SMTP server on a free local port (no TLS, no auth) that records every message. */
export async function startTestSmtp(): Promise<TTestSmtp> {
  const mails: TTestMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8").replace(/=\r?\n/g, ""),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  return {
    url: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
    mails,
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}
