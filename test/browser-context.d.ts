// What test/browser-global-setup.ts provides to browser tests through `inject()`.
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** Webhook URL of an emulator the browser tests can call. */
    webhookUrl: string;
    /** Webhook URL of an emulator that answers every request 302 (a moved portal). */
    movedWebhookUrl: string;
    /** What a Bitrix24 frame knows of its app's OAuth: an expired token, and the next one. */
    frame: {
      clientEndpoint: string;
      domain: string;
      staleAccessToken: string;
      freshAccessToken: string;
    };
  }
}
