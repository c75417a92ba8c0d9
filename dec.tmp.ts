import { readFileSync } from 'node:fs';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { EncryptionCodec, loadKeyRing, parseKeySpec } from './src/codec';
import { useReplayCodecKey } from './test/helpers/faults';
(async () => {
  const env: NodeJS.ProcessEnv = {};
  useReplayCodecKey(env);
  const codec = new EncryptionCodec(await loadKeyRing(parseKeySpec(env.ONRAMP_CODEC_KEYS!), env));
  const h = temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(process.argv[2]!, 'utf8')));
  for (const e of h.events) {
    const t = temporal.api.enums.v1.EventType[e.eventType!];
    let extra = '';
    const s = e.workflowExecutionStartedEventAttributes;
    if (s) { const [p] = await codec.decode([s.input!.payloads![0] as Payload]); extra = JSON.stringify(defaultPayloadConverter.fromPayload(p!)); }
    const a = e.activityTaskScheduledEventAttributes; if (a) extra = a.activityType?.name ?? '';
    const u = e.workflowExecutionUpdateAcceptedEventAttributes; if (u) extra = u.acceptedRequest?.input?.name ?? '';
    const m = e.markerRecordedEventAttributes; if (m) extra = m.markerName ?? '';
    console.log(e.eventId?.toString(), t, extra.slice(0, 600));
  }
})();
