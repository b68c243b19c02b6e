import "server-only";
import { env } from "../env.ts";

/** Where notifications go besides the in-app list. Unset channels are skipped. */
export type TNotificationChannels = {
  smtpUrl: string | null;
  smtpFrom: string;
  slackWebhookUrl: string | null;
  /** Absolute portal URL for links in email and Slack; null leaves links relative. */
  baseUrl: string | null;
};

/** The channels configured in the environment (SMTP_URL, SMTP_FROM, SLACK_WEBHOOK_URL, NEXTAUTH_URL). */
export function getNotificationChannels(): TNotificationChannels {
  return {
    smtpUrl: env.SMTP_URL ?? null,
    smtpFrom: env.SMTP_FROM,
    slackWebhookUrl: env.SLACK_WEBHOOK_URL ?? null,
    baseUrl: env.NEXTAUTH_URL ?? null,
  };
}
