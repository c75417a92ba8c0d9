// @ts-nocheck
import type { Context } from '@temporalio/activity';
import type { ActivityInterceptors } from '@temporalio/worker';

/** How often a running activity tells the server its worker is alive (the SDK sends at most one per 0.8 x heartbeatTimeout). */
export const AUTO_HEARTBEAT_MS = 3_000;

/**
 * Worker interceptor: every activity scheduled with a heartbeatTimeout heartbeats on its own while it runs,
 * re-sending the last details the activity itself recorded (so a progress report such as the member
 * batch's `done` list is never overwritten by an empty one). A worker that dies mid-activity then stops
 * heartbeating, and the server retries the activity elsewhere after the heartbeatTimeout (15 s in the
 * workflows) instead of after a start-to-close sized for the slowest call or a vendor's quota wait.
 * A hung vendor call is still bounded by the clients' per-request timeouts and the start-to-close.
 */
export function autoHeartbeat(ctx: Context): ActivityInterceptors {
  return {
    inbound: {
      async execute(input, next) {
        if (!ctx.info.heartbeatTimeoutMs) return next(input);
        let last: unknown = ctx.info.heartbeatDetails;
        const send = ctx.heartbeat;
        // The activity's own heartbeat(details) goes through here, so we know the latest details.
        (ctx as { heartbeat: (d?: unknown) => void }).heartbeat = (details?: unknown) => {
          last = details;
          send(details);
        };
        const timer = setInterval(() => send(last), Math.min(AUTO_HEARTBEAT_MS, ctx.info.heartbeatTimeoutMs / 3));
        try {
          return await next(input);
        } finally {
          clearInterval(timer);
        }
      },
    },
  };
}
