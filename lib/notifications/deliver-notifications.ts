import "server-only";
import nodemailer from "nodemailer";
import { getNotificationChannels, type TNotificationChannels } from "./notification-channels.ts";

/** One message for the outside world; built inside the transaction, sent after it commits. */
export type TOutboundMessage = {
  /** Recipient email addresses (deduplicated before sending). */
  to: string[];
  subject: string;
  text: string;
  /** Portal path the message points at, made absolute with the channels' baseUrl. */
  link: string | null;
  /**
   * What the shared Slack channel sees (one post per message, not per recipient), or null: not posted.
   * The channel is everyone in it, not the recipient: it names whose request it is and never carries
   * what only the requester should read (an approver's comment, a revoke reason).
   */
  slack: string | null;
  /** The Slack post's link when it differs from `link` (null: none, e.g. the requester's own page means nothing to the channel). */
  slackLink?: string | null;
};

export type TDeliveryReport = { emailsSent: number; emailsFailed: number; slackPosted: number; slackFailed: number };

const SLACK_TIMEOUT_MS = 5_000;

function absoluteLink(link: string | null, baseUrl: string | null): string | null {
  if (!link) return null;
  if (!baseUrl) return link;
  return new URL(link, baseUrl).toString();
}

/**
 * Sends email (SMTP_URL) and Slack (SLACK_WEBHOOK_URL) for messages whose state change has already
 * committed. Never throws: a mail server or webhook being down must not undo or hide an approval, so
 * failures are logged and counted. Assumes the caller decided who may receive what.
 */
export async function deliverNotifications(
  messages: readonly TOutboundMessage[],
  channels: TNotificationChannels = getNotificationChannels(),
): Promise<TDeliveryReport> {
  const report: TDeliveryReport = { emailsSent: 0, emailsFailed: 0, slackPosted: 0, slackFailed: 0 };
  if (messages.length === 0) return report;

  if (channels.smtpUrl) {
    let transport: nodemailer.Transporter | null = null;
    try {
      transport = nodemailer.createTransport(channels.smtpUrl, {
        // A hung mail server must not hold a request (or a worker tick) for minutes.
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 15_000,
      } as nodemailer.TransportOptions);
    } catch (error) {
      console.error("notifications: SMTP_URL is not usable", error instanceof Error ? error.message : error);
    }
    for (const message of messages) {
      const to = [...new Set(message.to.map((address) => address.trim().toLowerCase()).filter(Boolean))];
      if (to.length === 0) continue;
      if (!transport) {
        report.emailsFailed += to.length;
        continue;
      }
      const link = absoluteLink(message.link, channels.baseUrl);
      // One email per recipient: no approver sees the others' addresses, and one bad address fails alone.
      for (const recipient of to) {
        try {
          await transport.sendMail({
            from: channels.smtpFrom,
            to: recipient,
            subject: message.subject,
            text: link ? `${message.text}\n\n${link}\n` : `${message.text}\n`,
          });
          report.emailsSent += 1;
        } catch (error) {
          report.emailsFailed += 1;
          console.error("notifications: email failed", { subject: message.subject, error: error instanceof Error ? error.message : String(error) });
        }
      }
    }
    transport?.close();
  }

  if (channels.slackWebhookUrl) {
    for (const message of messages) {
      if (message.slack === null) continue;
      const link = absoluteLink(message.slackLink === undefined ? message.link : message.slackLink, channels.baseUrl);
      // Requester-written text (justification, names) is escaped: no <!channel> pings or disguised <url|links>.
      const body = `*${escapeSlack(message.subject)}*\n${escapeSlack(message.slack)}`;
      const text = link && link.startsWith("http") ? `${body}\n<${link}|Open in the portal>` : body;
      try {
        const response = await fetch(channels.slackWebhookUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ text }),
          signal: AbortSignal.timeout(SLACK_TIMEOUT_MS),
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        report.slackPosted += 1;
      } catch (error) {
        report.slackFailed += 1;
        console.error("notifications: Slack webhook failed", { subject: message.subject, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  return report;
}

/** Slack's three control characters in message text (https://api.slack.com/reference/surfaces/formatting#escaping). */
function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
